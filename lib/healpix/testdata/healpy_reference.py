"""Reference HEALPix answers from healpy (Debian python3-healpy) for lib/healpix/healpix_test.ts.

Reads one JSON request on stdin and writes one JSON answer on stdout:
  {"ang2pix": [[order, ra_deg, dec_deg], ...],
   "pix2ang": [[order, pix], ...],
   "corners": [[order, pix], ...],
   "query_disc": [[order, ra_deg, dec_deg, radius_deg], ...]}
Everything uses the NESTED scheme. Corners are healpy.boundaries(step=1): north, west, south, east.
"""
import json
import sys

import healpy
import numpy


def lonlat(vec):
    lon, lat = healpy.vec2ang(numpy.asarray(vec).T, lonlat=True)
    return [[float(a), float(b)] for a, b in zip(lon, lat)]


def main():
    req = json.load(sys.stdin)
    out = {"version": healpy.__version__}
    out["ang2pix"] = [
        int(healpy.ang2pix(2**o, ra, dec, nest=True, lonlat=True))
        for o, ra, dec in req.get("ang2pix", [])
    ]
    out["pix2ang"] = []
    for o, pix in req.get("pix2ang", []):
        ra, dec = healpy.pix2ang(2**o, int(pix), nest=True, lonlat=True)
        out["pix2ang"].append([float(ra), float(dec)])
    out["corners"] = [
        lonlat(healpy.boundaries(2**o, int(pix), step=1, nest=True))
        for o, pix in req.get("corners", [])
    ]
    out["query_disc"] = []
    for o, ra, dec, radius in req.get("query_disc", []):
        vec = healpy.ang2vec(ra, dec, lonlat=True)
        pixels = healpy.query_disc(2**o, vec, numpy.radians(radius), inclusive=True, nest=True)
        out["query_disc"].append(sorted(int(p) for p in pixels))
    json.dump(out, sys.stdout)


main()

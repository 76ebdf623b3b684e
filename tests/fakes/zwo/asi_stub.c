/*
 * A stand-in for libASICamera2, written from the documented API (no vendor code), so the ZWO
 * camera driver can be tested through its real FFI binding without a camera. Two cameras are
 * "plugged in": a cooled mono ASI290MM Cool and an uncooled colour ASI462MC. Exposures run on
 * the monotonic clock (WORKING until exposure + readout has passed, then SUCCESS), the download
 * takes the time a USB 2 link would and fills the buffer with a gradient plus noise at the
 * binned ROI size, and the cooler drifts toward its target at a finite rate. Camera IDs differ
 * from enumeration indices (the SDK allows it), so a driver that mixes them up fails.
 * Test switches: asi_stub_set_fault(code) makes every call fail with `code` until set to 0;
 * asi_stub_set_exposure_outcome(0 ok, 1 fail, 2 never finishes); asi_stub_set_transfer_rate.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zwo_types.h"

#define CAMERA_COUNT 2
#define MAX_CONTROLS 12
#define AMBIENT_C 20.0
#define COOLER_RATE_C_PER_S 0.5
#define COOLER_MAX_DELTA_C 35.0
#define READOUT_S 0.05

typedef struct {
  ASI_CONTROL_CAPS caps[MAX_CONTROLS];
  int control_count;
  long values[ASI_CONTROL_TYPE_END];
  ASI_CAMERA_INFO info;
  int opened, initialized;
  int width, height, bin, img_type;
  int exp_status, exp_dark;
  double exp_start_s, exp_length_s;
  double temp_c, temp_at_s;
  uint32_t rng;
} Camera;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Camera cameras[CAMERA_COUNT];
static int ready = 0;
static int fault = 0;
static int exposure_outcome = 0;
static double transfer_bytes_per_s = 40e6;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add_control(Camera *c, const char *name, ASI_CONTROL_TYPE type, long min, long max,
                        long def, int writable) {
  ASI_CONTROL_CAPS *cap = &c->caps[c->control_count++];
  memset(cap, 0, sizeof *cap);
  strncpy(cap->Name, name, sizeof cap->Name - 1);
  strncpy(cap->Description, name, sizeof cap->Description - 1);
  cap->MinValue = min;
  cap->MaxValue = max;
  cap->DefaultValue = def;
  cap->IsAutoSupported = (type == ASI_GAIN || type == ASI_EXPOSURE) ? ASI_TRUE : ASI_FALSE;
  cap->IsWritable = writable ? ASI_TRUE : ASI_FALSE;
  cap->ControlType = type;
  c->values[type] = def;
}

static void init_camera(Camera *c, const char *name, int id, int color, int cooled) {
  memset(c, 0, sizeof *c);
  ASI_CAMERA_INFO *info = &c->info;
  strncpy(info->Name, name, sizeof info->Name - 1);
  info->CameraID = id;
  info->MaxWidth = 1936;
  info->MaxHeight = 1096;
  info->IsColorCam = color ? ASI_TRUE : ASI_FALSE;
  info->BayerPattern = ASI_BAYER_RG;
  int bins[] = {1, 2, 3, 4, 0};
  memcpy(info->SupportedBins, bins, sizeof bins);
  ASI_IMG_TYPE formats[] = {ASI_IMG_RAW8, ASI_IMG_RAW16, ASI_IMG_END};
  memcpy(info->SupportedVideoFormat, formats, sizeof formats);
  info->PixelSize = 2.9;
  info->ST4Port = ASI_TRUE;
  info->IsCoolerCam = cooled ? ASI_TRUE : ASI_FALSE;
  info->IsUSB3Host = ASI_FALSE;
  info->IsUSB3Camera = ASI_TRUE;
  info->ElecPerADU = 3.6f;
  info->BitDepth = 12;
  add_control(c, "Gain", ASI_GAIN, 0, 600, 0, 1);
  add_control(c, "Exposure", ASI_EXPOSURE, 32, 2000000000, 10000, 1);
  add_control(c, "Offset", ASI_OFFSET, 0, 240, 8, 1);
  add_control(c, "BandWidth", ASI_BANDWIDTHOVERLOAD, 40, 100, 50, 1);
  add_control(c, "Flip", ASI_FLIP, 0, 3, 0, 1);
  add_control(c, "Temperature", ASI_TEMPERATURE, -500, 1000, 20, 0);
  if (cooled) {
    add_control(c, "CoolPowerPerc", ASI_COOLER_POWER_PERC, 0, 100, 0, 0);
    add_control(c, "TargetTemp", ASI_TARGET_TEMP, -40, 30, 0, 1);
    add_control(c, "CoolerOn", ASI_COOLER_ON, 0, 1, 0, 1);
    add_control(c, "AntiDewHeater", ASI_ANTI_DEW_HEATER, 0, 1, 0, 1);
  }
  c->temp_c = AMBIENT_C;
  c->temp_at_s = now_s();
  c->rng = 0x9e3779b9u ^ (uint32_t)id;
}

static void ensure_ready(void) {
  if (ready) return;
  init_camera(&cameras[0], "ZWO ASI290MM Cool", 3, 0, 1);
  init_camera(&cameras[1], "ZWO ASI462MC", 8, 1, 0);
  ready = 1;
}

static Camera *by_id(int id) {
  for (int i = 0; i < CAMERA_COUNT; i++) {
    if (cameras[i].info.CameraID == id) return &cameras[i];
  }
  return NULL;
}

/* The common preamble: the fault switch, then a known id, then an opened camera. */
static ASI_ERROR_CODE lookup(int id, Camera **out, int need_init) {
  ensure_ready();
  if (fault) return (ASI_ERROR_CODE)fault;
  Camera *c = by_id(id);
  if (!c) return ASI_ERROR_INVALID_ID;
  if (!c->opened || (need_init && !c->initialized)) return ASI_ERROR_CAMERA_CLOSED;
  *out = c;
  return ASI_SUCCESS;
}

/* Moves the sensor temperature toward where the cooler (or the ambient air) pulls it. */
static void update_cooler(Camera *c) {
  double t = now_s();
  double goal = AMBIENT_C;
  if (c->values[ASI_COOLER_ON]) {
    double floor_c = AMBIENT_C - COOLER_MAX_DELTA_C;
    goal = c->values[ASI_TARGET_TEMP] > floor_c ? c->values[ASI_TARGET_TEMP] : floor_c;
  }
  double step = COOLER_RATE_C_PER_S * (t - c->temp_at_s);
  if (fabs(goal - c->temp_c) <= step) c->temp_c = goal;
  else c->temp_c += goal > c->temp_c ? step : -step;
  c->temp_at_s = t;
  double power = c->values[ASI_COOLER_ON] ? 100.0 * (AMBIENT_C - c->temp_c) / COOLER_MAX_DELTA_C : 0;
  if (c->values[ASI_COOLER_ON] && c->temp_c > goal + 0.05) power = 100;
  c->values[ASI_COOLER_POWER_PERC] = lround(power < 0 ? 0 : power > 100 ? 100 : power);
  c->values[ASI_TEMPERATURE] = lround(c->temp_c * 10);
}

static void update_exposure(Camera *c) {
  if (c->exp_status != ASI_EXP_WORKING || exposure_outcome == 2) return;
  if (now_s() >= c->exp_start_s + c->exp_length_s + READOUT_S) {
    c->exp_status = exposure_outcome == 1 ? ASI_EXP_FAILED : ASI_EXP_SUCCESS;
  }
}

static double uniform(Camera *c) {
  c->rng ^= c->rng << 13;
  c->rng ^= c->rng >> 17;
  c->rng ^= c->rng << 5;
  return (c->rng & 0xffffff) / (double)0x1000000;
}

/* A smooth gradient (sky glow toward one corner) plus shot and read noise, in 12-bit ADU. */
static void render(Camera *c, unsigned char *buf) {
  int bytes = c->img_type == ASI_IMG_RAW16 ? 2 : 1;
  double gain = pow(10.0, c->values[ASI_GAIN] / 200.0);
  double bias = 16 + 4.0 * c->values[ASI_OFFSET];
  double binned = (double)c->bin * c->bin;
  for (int y = 0; y < c->height; y++) {
    for (int x = 0; x < c->width; x++) {
      double gradient = 0.5 * x / c->width + 0.5 * y / c->height;
      double signal = c->exp_dark ? 0.2 * c->exp_length_s
                                  : (40 + 400 * gradient) * c->exp_length_s * gain * binned;
      double sigma = sqrt(4.0 + signal);
      double noise = (uniform(c) + uniform(c) + uniform(c) + uniform(c) - 2.0) * 1.732 * sigma;
      double adu = bias + signal + noise;
      long v = lround(adu < 0 ? 0 : adu > 4095 ? 4095 : adu);
      size_t at = (size_t)y * c->width + x;
      if (bytes == 2) {
        uint16_t left_aligned = (uint16_t)(v << 4);
        memcpy(buf + at * 2, &left_aligned, 2);
      } else {
        buf[at] = (unsigned char)(v >> 4);
      }
    }
  }
}

int ASIGetNumOfConnectedCameras(void) {
  pthread_mutex_lock(&lock);
  ensure_ready();
  pthread_mutex_unlock(&lock);
  return CAMERA_COUNT;
}

ASI_ERROR_CODE ASIGetCameraProperty(ASI_CAMERA_INFO *info, int index) {
  pthread_mutex_lock(&lock);
  ensure_ready();
  ASI_ERROR_CODE rc = fault ? (ASI_ERROR_CODE)fault : ASI_SUCCESS;
  if (rc == ASI_SUCCESS && (index < 0 || index >= CAMERA_COUNT)) rc = ASI_ERROR_INVALID_INDEX;
  if (rc == ASI_SUCCESS) *info = cameras[index].info;
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIOpenCamera(int id) {
  pthread_mutex_lock(&lock);
  ensure_ready();
  Camera *c = by_id(id);
  ASI_ERROR_CODE rc = fault ? (ASI_ERROR_CODE)fault : c ? ASI_SUCCESS : ASI_ERROR_INVALID_ID;
  if (rc == ASI_SUCCESS) c->opened = 1;
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIInitCamera(int id) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 0);
  if (rc == ASI_SUCCESS) {
    c->initialized = 1;
    c->width = c->info.MaxWidth;
    c->height = c->info.MaxHeight;
    c->bin = 1;
    c->img_type = ASI_IMG_RAW8;
    c->exp_status = ASI_EXP_IDLE;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* Closing always works, fault or not, as a driver must always be able to let go. */
ASI_ERROR_CODE ASICloseCamera(int id) {
  pthread_mutex_lock(&lock);
  ensure_ready();
  Camera *c = by_id(id);
  if (c) {
    c->opened = 0;
    c->initialized = 0;
    c->exp_status = ASI_EXP_IDLE;
    c->values[ASI_COOLER_ON] = 0;
  }
  pthread_mutex_unlock(&lock);
  return c ? ASI_SUCCESS : ASI_ERROR_INVALID_ID;
}

ASI_ERROR_CODE ASIGetNumOfControls(int id, int *count) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 0);
  if (rc == ASI_SUCCESS) *count = c->control_count;
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIGetControlCaps(int id, int index, ASI_CONTROL_CAPS *caps) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 0);
  if (rc == ASI_SUCCESS && (index < 0 || index >= c->control_count)) rc = ASI_ERROR_INVALID_INDEX;
  if (rc == ASI_SUCCESS) *caps = c->caps[index];
  pthread_mutex_unlock(&lock);
  return rc;
}

static ASI_CONTROL_CAPS *find_control(Camera *c, int type) {
  for (int i = 0; i < c->control_count; i++) {
    if ((int)c->caps[i].ControlType == type) return &c->caps[i];
  }
  return NULL;
}

ASI_ERROR_CODE ASIGetControlValue(int id, int type, long *value, ASI_BOOL *is_auto) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS && !find_control(c, type)) rc = ASI_ERROR_INVALID_CONTROL_TYPE;
  if (rc == ASI_SUCCESS) {
    update_cooler(c);
    *value = c->values[type];
    *is_auto = ASI_FALSE;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* Out-of-range values are clamped to the control's range, as the SDK does. */
ASI_ERROR_CODE ASISetControlValue(int id, int type, long value, ASI_BOOL is_auto) {
  (void)is_auto;
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  ASI_CONTROL_CAPS *cap = rc == ASI_SUCCESS ? find_control(c, type) : NULL;
  if (rc == ASI_SUCCESS && (!cap || !cap->IsWritable)) rc = ASI_ERROR_INVALID_CONTROL_TYPE;
  if (rc == ASI_SUCCESS) {
    update_cooler(c);
    c->values[type] = value < cap->MinValue ? cap->MinValue
                      : value > cap->MaxValue ? cap->MaxValue : value;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASISetROIFormat(int id, int width, int height, int bin, ASI_IMG_TYPE img_type) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS) {
    int bin_ok = 0;
    for (int i = 0; i < 16 && c->info.SupportedBins[i]; i++) bin_ok |= c->info.SupportedBins[i] == bin;
    if (!bin_ok || width <= 0 || height <= 0 || width % 8 || height % 2 ||
        (long)width * bin > c->info.MaxWidth || (long)height * bin > c->info.MaxHeight) {
      rc = ASI_ERROR_INVALID_SIZE;
    } else if (img_type != ASI_IMG_RAW8 && img_type != ASI_IMG_RAW16) {
      rc = ASI_ERROR_INVALID_IMGTYPE;
    } else if (c->exp_status == ASI_EXP_WORKING) {
      rc = ASI_ERROR_EXPOSURE_IN_PROGRESS;
    }
  }
  if (rc == ASI_SUCCESS) {
    c->width = width;
    c->height = height;
    c->bin = bin;
    c->img_type = img_type;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIGetROIFormat(int id, int *width, int *height, int *bin, ASI_IMG_TYPE *img_type) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS) {
    *width = c->width;
    *height = c->height;
    *bin = c->bin;
    *img_type = (ASI_IMG_TYPE)c->img_type;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIStartExposure(int id, ASI_BOOL is_dark) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS && c->exp_status == ASI_EXP_WORKING) rc = ASI_ERROR_EXPOSURE_IN_PROGRESS;
  if (rc == ASI_SUCCESS) {
    update_cooler(c);
    c->exp_status = ASI_EXP_WORKING;
    c->exp_dark = is_dark ? 1 : 0;
    c->exp_start_s = now_s();
    c->exp_length_s = c->values[ASI_EXPOSURE] / 1e6;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIGetExpStatus(int id, ASI_EXPOSURE_STATUS *status) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS) {
    update_exposure(c);
    *status = (ASI_EXPOSURE_STATUS)c->exp_status;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* A stopped exposure reads as FAILED, so a poller that raced the stop never waits for data. */
ASI_ERROR_CODE ASIStopExposure(int id) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  if (rc == ASI_SUCCESS && c->exp_status == ASI_EXP_WORKING) c->exp_status = ASI_EXP_FAILED;
  pthread_mutex_unlock(&lock);
  return rc;
}

ASI_ERROR_CODE ASIGetDataAfterExp(int id, unsigned char *buf, long size) {
  pthread_mutex_lock(&lock);
  Camera *c = NULL;
  ASI_ERROR_CODE rc = lookup(id, &c, 1);
  long needed = 0;
  if (rc == ASI_SUCCESS) {
    update_exposure(c);
    needed = (long)c->width * c->height * (c->img_type == ASI_IMG_RAW16 ? 2 : 1);
    if (c->exp_status != ASI_EXP_SUCCESS) rc = ASI_ERROR_GENERAL_ERROR;
    else if (size < needed) rc = ASI_ERROR_BUFFER_TOO_SMALL;
  }
  double transfer_s = needed / transfer_bytes_per_s;
  pthread_mutex_unlock(&lock);
  if (rc != ASI_SUCCESS) return rc;
  /* The USB transfer: the calling thread waits, other calls (the cooler poll) go on. */
  usleep((useconds_t)(transfer_s * 1e6));
  pthread_mutex_lock(&lock);
  render(c, buf);
  c->exp_status = ASI_EXP_IDLE;
  pthread_mutex_unlock(&lock);
  return ASI_SUCCESS;
}

const char *ASIGetSDKVersion(void) { return "1, 37, 0, 0 (stub)"; }

void asi_stub_set_fault(int code) {
  pthread_mutex_lock(&lock);
  fault = code;
  pthread_mutex_unlock(&lock);
}

void asi_stub_set_exposure_outcome(int outcome) {
  pthread_mutex_lock(&lock);
  exposure_outcome = outcome;
  pthread_mutex_unlock(&lock);
}

void asi_stub_set_transfer_rate(double bytes_per_s) {
  pthread_mutex_lock(&lock);
  if (bytes_per_s > 0) transfer_bytes_per_s = bytes_per_s;
  pthread_mutex_unlock(&lock);
}

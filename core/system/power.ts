/**
 * Asks the operating system to power the box off or reboot it, through systemd: the service runs
 * as its own user, so logind asks polkit, whose rule in the image
 * (image/stage-openskylab/02-system/files/50-openskylab.rules) allows exactly these two actions
 * to it. Only cli/serve.ts calls this, after the orderly stop; tests never do.
 */
import type { PowerAction } from "../schemas/system.ts";

export async function systemPowerAction(action: PowerAction): Promise<void> {
  const verb = action === "shutdown" ? "poweroff" : "reboot";
  const out = await new Deno.Command("systemctl", {
    args: ["--no-ask-password", verb],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `systemctl ${verb} failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
}

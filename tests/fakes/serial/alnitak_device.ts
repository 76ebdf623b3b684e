/**
 * A simulated Alnitak panel on a pty: a Flip-Flat (id 99) by default, or a Flat-Man (19, light
 * only), with a cover motor that takes `coverTravelMs` between its end stops and a light whose
 * brightness settles one poll after it is set; replies in the fixed-width `*Xiiddd\n` form.
 */
import { FakeSerialDevice, type Parsed } from "./_device.ts";

export class AlnitakDevice extends FakeSerialDevice {
  readonly productId: number;
  coverTravelMs: number;
  #cover: "closed" | "open" = "closed";
  #coverMove: { to: "closed" | "open"; doneMs: number } | null = null;
  #lightOn = false;
  #brightness = 0;

  constructor(productId = 99, coverTravelMs = 400) {
    super();
    this.productId = productId;
    this.coverTravelMs = coverTravelMs;
  }

  protected parse(buffer: string): Parsed | null {
    if (!buffer.startsWith(">")) return { consumed: 1, reply: null };
    const end = buffer.indexOf("\r");
    if (end < 0) return null;
    const command = buffer.slice(1, end);
    return { consumed: end + 1, reply: this.#answer(command.charAt(0), command.slice(1)) };
  }

  #answer(letter: string, argument: string): string {
    const id = String(this.productId).padStart(2, "0");
    const reply = (payload: string) => `*${letter}${id}${payload}\n`;
    this.#update();
    switch (letter) {
      case "O":
      case "C": {
        const to = letter === "O" ? "open" : "closed";
        if (this.#cover !== to) this.#coverMove = { to, doneMs: Date.now() + this.coverTravelMs };
        return reply("OOO");
      }
      case "L":
        this.#lightOn = true;
        return reply("OOO");
      case "D":
        this.#lightOn = false;
        return reply("OOO");
      case "B":
        this.#brightness = Math.min(255, Number(argument));
        return reply(String(this.#brightness).padStart(3, "0"));
      case "J":
        return reply(String(this.#brightness).padStart(3, "0"));
      case "S": {
        const cover = this.#coverMove ? "0" : this.#cover === "closed" ? "1" : "2";
        return reply(`${this.#coverMove ? 1 : 0}${this.#lightOn ? 1 : 0}${cover}`);
      }
      case "V":
        return reply("003");
      default:
        return reply("OOO");
    }
  }

  #update(): void {
    if (this.#coverMove && Date.now() >= this.#coverMove.doneMs) {
      this.#cover = this.#coverMove.to;
      this.#coverMove = null;
    }
  }
}

// Types `env` from "cloudflare:workers" / "cloudflare:test" as Skiff's Env.
type SkiffEnv = import("./src/env.js").Env;
declare namespace Cloudflare {
  interface Env extends SkiffEnv {}
}

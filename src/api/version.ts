/**
 * `/version`: apimachinery's `version.Info`. kubectl requires `gitVersion` to parse as semver;
 * the Kubernetes minor it names is the one whose API Skiff follows.
 */
export const KUBERNETES_MAJOR = "1";
export const KUBERNETES_MINOR = "32";
export const GIT_VERSION = `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0-skiff.0`;

export function versionInfo() {
  return {
    major: KUBERNETES_MAJOR,
    minor: KUBERNETES_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: "",
    compiler: "workerd",
    platform: "workerd/js",
  };
}

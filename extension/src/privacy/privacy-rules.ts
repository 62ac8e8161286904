import type { HeartbeatDraft } from "../tracker/heartbeat-draft";
import { hideFileName, type HideFileNames } from "./hide-file-name";
import { hideProjectName, relativeToRoot } from "./hide-project-name";
import type { KodoFileCheck } from "./kodo-file-check";
import type { PathFilter } from "./path-filter";

/** The privacy settings, compiled (see settings in package.json, `kodo.*`). */
export interface PrivacyRules {
  hideFileNames: HideFileNames;
  hideProjectNames: boolean;
  onlyProjectsWithKodoFile: boolean;
  pathFilter: PathFilter;
}

export interface PrivacyDeps {
  /** Per-installation secret for keyed hashes (keyed-hash.ts); never sent. */
  secret: string;
  hasKodoFile: KodoFileCheck;
}

/**
 * Applies the privacy settings to a heartbeat before it is queued, so nothing hidden is
 * written to the offline queue or leaves the machine. Returns null when the heartbeat must
 * not be recorded at all. In order:
 *   (a) excluded by `kodo.exclude` (and not rescued by `kodo.include`): dropped;
 *   (b) `kodo.onlyProjectsWithKodoFile` and the project root has no `.kodo`: dropped;
 *   (c) `kodo.hideProjectNames`: project -> keyed hash, path made project-relative;
 *   (d) `kodo.hideFileNames`: path -> keyed hash + extension, or "HIDDEN" + extension.
 * `project_root_count` describes the absolute path, so it goes once the path is altered.
 */
export async function applyPrivacy(
  draft: HeartbeatDraft,
  rules: PrivacyRules,
  deps: PrivacyDeps,
): Promise<HeartbeatDraft | null> {
  if (!rules.pathFilter(draft.entity, draft.projectRoot)) return null;
  if (rules.onlyProjectsWithKodoFile) {
    if (draft.projectRoot === null || !(await deps.hasKodoFile(draft.projectRoot))) return null;
  }
  let { entity, project, projectRootCount } = draft;
  if (rules.hideProjectNames) {
    project = hideProjectName(project, deps.secret);
    entity = relativeToRoot(entity, draft.projectRoot);
    projectRootCount = null;
  }
  if (rules.hideFileNames !== "off") {
    // Hash the absolute path: two files with the same relative path in different projects
    // stay distinct.
    entity = hideFileName(draft.entity, rules.hideFileNames, deps.secret);
    projectRootCount = null;
  }
  return { ...draft, entity, project, projectRootCount };
}

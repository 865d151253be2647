/**
 * Extracts the refusal texts the simulator answers with (facts of the
 * protocol: clients match on "is already in use" and friends) from a 3.6
 * engine's AppErrors.properties into src/simulator/app-errors.generated.ts,
 * with the words `${action}` and `${type}` stand for (VAR__ACTION__*,
 * VAR__TYPE__*).
 *
 *   tsx scripts/extract-app-errors.ts <3.6's AppErrors.properties> [<a 4.x engine's>]
 *
 * Which texts are extracted is listed here; the simulator names them. Texts
 * of refusals only API v4 makes (V4_ONLY) come from the newer file; every
 * other text and word is 3.6's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const USED = [
  'ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_DEVICE',
  'ACTION_TYPE_FAILED_DELETE_PROTECTION_ENABLED',
  'ACTION_TYPE_FAILED_DESTINATION_HOST_NOT_IN_DESTINATION_CLUSTER',
  'ACTION_TYPE_FAILED_MIGRATION_TO_SAME_HOST',
  'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
  'ACTION_TYPE_FAILED_NAME_MAY_NOT_CONTAIN_SPECIAL_CHARS',
  'ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC',
  'ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE',
  'ACTION_TYPE_FAILED_NO_AVAILABLE_POOL_VMS',
  'ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY',
  'ACTION_TYPE_FAILED_SPECIFY_DOMAIN_IS_NOT_EXPORT_DOMAIN',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL',
  'ACTION_TYPE_FAILED_TEMPLATE_GUID_ALREADY_EXISTS',
  'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
  'ACTION_TYPE_FAILED_VDS_VM_CLUSTER',
  'ACTION_TYPE_FAILED_VM_GUID_ALREADY_EXIST',
  'ACTION_TYPE_FAILED_VM_IS_LOCKED',
  'ACTION_TYPE_FAILED_VM_IS_NOT_DOWN',
  'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
  'ACTION_TYPE_FAILED_VM_IS_NOT_UP',
  'ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST',
  'ACTION_TYPE_FAILED_VM_IS_RUNNING',
  'ACTION_TYPE_FAILED_VM_SNAPSHOT_TYPE_NOT_ALLOWED',
  'ACTION_TYPE_FAILED_VM_IN_PREVIEW',
  'ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST',
  'ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_SPECIFIED',
  'ACTION_TYPE_FAILED_SOURCE_AND_TARGET_SAME',
  'CANNOT_FORCE_SELECT_SPM_VDS_NOT_UP',
  'CANNOT_ENROLL_CERTIFICATE_HOST_STATUS_ILLEGAL',
  'CANNOT_PREVIEW_ACTIVE_SNAPSHOT',
  'ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN',
  'ERROR_CANNOT_FORCE_REMOVE_STORAGE_POOL_WITH_VDS_NOT_IN_MAINTENANCE',
  'ERROR_CANNOT_REMOVE_LAST_SUPER_USER_ROLE',
  'HOT_PLUG_DISK_IS_NOT_UNPLUGGED',
  'HOT_UNPLUG_DISK_IS_NOT_PLUGGED',
  'NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK',
  'NETWORK_INTERFACE_ALREADY_HAVE_NETWORK',
  'NETWORK_INTERFACE_NOT_EXISTS',
  'SCHEDULING_ALL_HOSTS_FILTERED_OUT',
  'TAGS_CANNOT_EDIT_READONLY_TAG',
  'TAGS_SPECIFY_TAG_IS_IN_USE',
  'VDS_ALREADY_UP',
  'VDS_APPROVE_VDS_IN_WRONG_STATUS',
  'VDS_CANNOT_INSTALL_STATUS_ILLEGAL',
  'VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE',
  'VDS_CANNOT_REMOVE_VDS_GROUP_VDS_DETECTED',
  'VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL',
  'VDS_FENCE_DISABLED',
  'VDS_NON_RESPONSIVE',
  'VM_CANNOT_CANCEL_MIGRATION_WHEN_VM_IS_NOT_MIGRATING',
  'VM_CANNOT_REMOVE_VDS_GROUP_VMS_DETECTED',
  'VM_POOL_CANNOT_DETACH_VM_NOT_ATTACHED_TO_POOL',
  'VM_POOL_CANNOT_REMOVE_RUNNING_VM_FROM_POOL',
  'VM_TEMPLATE_IS_LOCKED',
  'VMT_CANNOT_EXPORT_BLANK_TEMPLATE',
  'VMT_CANNOT_REMOVE_BLANK_TEMPLATE',
  'VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM',
  'ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STARTED',
  'ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STOPPED',
  'ACTION_TYPE_FAILED_GLUSTER_VOLUME_IS_DOWN',
  'ACTION_TYPE_FAILED_GLUSTER_HOOK_NO_CONFLICT_SERVERS',
  'ACTION_TYPE_NO_JOB',
  'ACTION_TYPE_NOT_EXTERNAL',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_IN_STORAGE_POOL',
  'ACTION_TYPE_FAILED_DISK_ALREADY_ATTACHED',
  'HOT_PLUG_IDE_DISK_IS_NOT_SUPPORTED',
  'ACTION_TYPE_FAILED_GRAPHIC_TYPE_MUST_BE_SPECIFIED',
  'ACTION_TYPE_FAILED_ONLY_ONE_DEVICE_WITH_THIS_GRAPHICS_ALLOWED',
];

/** Refusals of actions only a 4.x engine has, as it words them. */
const V4_ONLY = ['ACTION_TYPE_FAILED_DISK_SPARSIFY_NOT_SUPPORTED_FOR_PREALLOCATED'];

const [source, newer] = process.argv.slice(2);
if (!source || !newer) {
  process.stderr.write('usage: tsx scripts/extract-app-errors.ts <3.6 AppErrors.properties> <4.x AppErrors.properties>\n');
  process.exit(2);
}

/** Java properties: `KEY=value`, a trailing backslash continues the value on the next line, `\n` is a newline. */
function readProperties(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(lines[i]);
    if (!m) continue;
    let value = m[2];
    while (value.endsWith('\\') && i + 1 < lines.length) value = value.slice(0, -1) + lines[++i].trimStart();
    out.set(m[1], value.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1').trim());
  }
  return out;
}
const texts = readProperties(source);
const newerTexts = readProperties(newer);

/** The words `${action}` or `${type}` stand for: 3.6's, and the newer engine's for words 3.6 did not have (`sparsify`, `Virtual Disk`). */
const rows = (prefix: string, strip: string) =>
  [...texts, ...[...newerTexts].filter(([k]) => !texts.has(k))]
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, v]) => `  ${k.slice(prefix.length)}: ${JSON.stringify(v.replace(strip, '').trim())},`);
const used = [...USED.map((k) => [k, texts.get(k)] as const), ...V4_ONLY.map((k) => [k, newerTexts.get(k)] as const)].map(([k, v]) => {
  if (v === undefined) throw new Error(`${k} is not in AppErrors.properties`);
  return `  ${k}: ${JSON.stringify(v)},`;
});

writeFileSync(
  fileURLToPath(new URL('../src/simulator/app-errors.generated.ts', import.meta.url)),
  `/**
 * The refusal texts the simulator answers with, as a 3.6 engine words them
 * (and, for actions only API v4 has, as a 4.x engine does; clients match on
 * them), and the words \`\${action}\` and \`\${type}\` stand
 * for. Generated by scripts/extract-app-errors.ts from the engine's
 * AppErrors.properties; do not edit by hand.
 */
export const APP_ERRORS = {
${used.join('\n')}
} as const;

export const ACTION_WORDS = {
${rows('VAR__ACTION__', '$action').join('\n')}
} as const;

export const TYPE_WORDS = {
${rows('VAR__TYPE__', '$type').join('\n')}
} as const;

export type AppError = keyof typeof APP_ERRORS;
export type ActionWord = keyof typeof ACTION_WORDS;
export type TypeWord = keyof typeof TYPE_WORDS;
`,
);
process.stderr.write(`wrote ${used.length} refusal texts\n`);

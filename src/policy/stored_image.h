/* brig audit --image's rules (BRIG-Innn) over an image of the store or an
 * archive (model/imagescan.h). */
#ifndef BRIG_POLICY_STORED_IMAGE_H
#define BRIG_POLICY_STORED_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/imagescan.h"
#include "policy/audit.h"

const struct brig_audit_rule *brig_stored_image_rules (size_t *ret_n);

/* Judge IMG by every image rule; findings are appended at IMG->name (its
 * config) or at a file's NAME:PATH. */
void brig_audit_stored_image (const struct brig_image_scan *img, struct brig_findings *f);

enum brig_image_tool
{
  BRIG_TOOL_NONE,
  BRIG_TOOL_SHELL,
  BRIG_TOOL_PACKAGES,
};

/* What the program at PATH (absolute, clean) is, when it is in one of the
 * directories programs are looked up in (/bin, /usr/bin, /usr/local/sbin...)
 * and is a shell or a package manager. */
enum brig_image_tool brig_image_tool (const char *path);
/* For the scan (image/scan.h): the paths BRIG-I003 and BRIG-I004 ask for. */
bool brig_image_watch (const char *path);

#endif

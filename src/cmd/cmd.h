/* One handler per command; each returns the process exit status. */
#ifndef BRIG_CMD_CMD_H
#define BRIG_CMD_CMD_H

int cmd_audit (int argc, char **argv);
int cmd_host (int argc, char **argv);
int cmd_probe (int argc, char **argv);
int cmd_ps (int argc, char **argv);
int cmd_run (int argc, char **argv);
int cmd_version (int argc, char **argv);
int cmd_runtime (int argc, char **argv);

/* Print "brig: MSG" (and release the error) and return STATUS. */
struct brig_err;
int brig_fail (int status, struct brig_err *err);

#endif

/* profile: print brig's default seccomp profile, resolved for a container
 * with no capabilities, in the OCI runtime spec's linux.seccomp form, so
 * that crun and runc are measured filtering exactly what brig filters. */
#include <jansson.h>
#include <stdio.h>

#include "model/seccomp.h"
#include "util/mem.h"

int
main (void)
{
  struct brig_seccomp *p = brig_seccomp_default ();
  json_t *root = json_object (), *rules = json_array ();

  json_object_set_new (root, "defaultAction",
                       json_string (brig_scmp_action_name (p->default_action)));
  json_object_set_new (root, "defaultErrnoRet", json_integer (p->default_errno));
  json_object_set_new (root, "architectures", json_pack ("[s]", "SCMP_ARCH_X86_64"));
  for (size_t i = 0; i < p->nrules; i++)
    {
      const struct brig_scmp_rule *r = &p->rules[i];
      json_t *names = json_array (), *rule;

      if (r->caps_all) /* needs a capability the container does not hold */
        continue;
      for (size_t j = 0; r->names[j]; j++)
        json_array_append_new (names, json_string (r->names[j]));
      rule = json_pack ("{s:o, s:s}", "names", names, "action",
                        brig_scmp_action_name (r->action));
      if (r->action == BRIG_SCMP_ERRNO)
        json_object_set_new (rule, "errnoRet", json_integer (r->errno_ret));
      if (r->nargs)
        {
          json_t *args = json_array ();
          for (size_t j = 0; j < r->nargs; j++)
            json_array_append_new (args, json_pack ("{s:i, s:I, s:I, s:s}", "index",
                                                    r->args[j].index, "value",
                                                    (json_int_t) r->args[j].value, "valueTwo",
                                                    (json_int_t) r->args[j].value_two, "op",
                                                    brig_scmp_op_name (r->args[j].op)));
          json_object_set_new (rule, "args", args);
        }
      json_array_append_new (rules, rule);
    }
  json_object_set_new (root, "syscalls", rules);
  json_dumpf (root, stdout, JSON_INDENT (1));
  putchar ('\n');
  json_decref (root);
  brig_seccomp_free (p);
  return 0;
}

#include "parse/envfile.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <string.h>

int
brig_env_name_valid (const char *name, size_t len)
{
  if (len == 0)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (name[i] == '=' || name[i] == '\0' || isspace ((unsigned char)name[i]))
      return 0;
  return 1;
}

int
brig_parse_envfile (const char *buf, size_t len, const char *filename, char ***env,
                    struct brig_err *err)
{
  const char *p = buf, *end = buf + len;
  size_t lineno = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
      size_t lead = 0, name_len;
      const char *line, *eq;

      lineno++;
      if (l && p[l - 1] == '\r')
        l--;
      while (lead < l && (p[lead] == ' ' || p[lead] == '\t'))
        lead++;
      line = p + lead;
      l -= lead;
      if (l == 0 || line[0] == '#')
        goto next;
      if (memchr (line, '\0', l))
        return brig_error (err, 0, "%s:%zu: NUL byte in line", filename, lineno);
      eq = memchr (line, '=', l);
      name_len = eq ? (size_t)(eq - line) : l;
      if (!eq)
        while (name_len && (line[name_len - 1] == ' ' || line[name_len - 1] == '\t'))
          name_len--;
      if (!brig_env_name_valid (line, name_len))
        return brig_error (err, 0,
                           "%s:%zu:%zu: invalid variable name `%.*s`: expected "
                           "NAME=VALUE with no spaces or `=` in NAME",
                           filename, lineno, lead + 1, (int)name_len, line);
      strv_push (env, xstrndup (line, eq ? l : name_len));
    next:
      p += (nl ? (size_t)(nl - p) + 1 : (size_t)(end - p));
    }
  return 0;
}

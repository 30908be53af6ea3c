/* The floor for brig audit's YAML throughput: libyaml's parser alone,
 * every event of every file named on the command line, nothing kept. */
#include <stdio.h>
#include <yaml.h>

int
main (int argc, char **argv)
{
  long events = 0;

  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      yaml_parser_t p;
      yaml_event_t e;
      int done = 0;

      if (f == NULL)
        continue;
      yaml_parser_initialize (&p);
      yaml_parser_set_input_file (&p, f);
      while (!done && yaml_parser_parse (&p, &e))
        {
          done = e.type == YAML_STREAM_END_EVENT;
          yaml_event_delete (&e);
          events++;
        }
      yaml_parser_delete (&p);
      fclose (f);
    }
  printf ("%ld\n", events);
  return 0;
}

/* config_fixture.h: what the tests of mig.yaml (test_config.c,
 * test_registry_tokens.c) share: writing the files they load. */
#ifndef MIG_CONFIG_FIXTURE_H
#define MIG_CONFIG_FIXTURE_H

#include <stdio.h>
#include <sys/stat.h>

/* Writes TEXT as the file PATH with MODE. */
static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, mode), 0);
}

#endif

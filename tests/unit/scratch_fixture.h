/* scratch_fixture.h: a scratch directory per test, for a test file's
 * cmocka setup and teardown (cmocka_unit_test_setup_teardown(test,
 * make_dir, remove_dir)): `dir` holds its path, /tmp/mig-NAME-XXXXXX,
 * NAME being SCRATCH_NAME, defined before this header is included. */
#ifndef MIG_SCRATCH_FIXTURE_H
#define MIG_SCRATCH_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mig-%s-XXXXXX", SCRATCH_NAME);
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif

/* draw.c: the run's seeded draws (runtime.h, "seeded draws"). Every
 * random choice of a run (a retry's jitter, an --inject-rate failure) is
 * drawn from a generator of its own, named by what it decides (the node,
 * the item, the attempt), so that `--seed N` repeats every choice whatever
 * order parallel items happen to run in. */
#include "runtime.h"

uint64_t draw_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

double draw_unit(uint64_t *state)
{
    return (double)(draw_next(state) >> 11) * 0x1.0p-53;
}

uint64_t draw_state(uint64_t seed, const char *key)
{
    /* FNV-1a over the key's bytes, then one splitmix64 step mixed with the
     * seed: nearby keys ("3", "4") and nearby seeds give unrelated
     * generators. */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * UINT64_C(0x100000001b3);
    uint64_t s = seed ^ h;
    return draw_next(&s);
}

/* floor.c: the floor of `mig audit verify` (bench/ops/run.sh): read every
 * row of the audit trail with SQLite and hash all its columns' bytes with
 * BLAKE2b, one hash a row, nothing else: what a verify cannot do without.
 * usage: bench_ops_floor STATE_DB; prints the number of rows. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    if (argc != 2 || sodium_init() < 0
        || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, "SELECT * FROM audit ORDER BY seq", -1, &q,
                              NULL) != SQLITE_OK) {
        fprintf(stderr, "usage: bench_ops_floor STATE_DB\n");
        return 2;
    }
    long rows = 0;
    unsigned char md[32], acc = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        crypto_generichash_state h;
        crypto_generichash_init(&h, NULL, 0, sizeof md);
        for (int c = 0; c < sqlite3_column_count(q); c++) {
            const unsigned char *t = sqlite3_column_text(q, c);
            if (t)
                crypto_generichash_update(&h, t, sqlite3_column_bytes(q, c));
        }
        crypto_generichash_final(&h, md, sizeof md);
        acc ^= md[0];
        rows++;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    printf("%ld %u\n", rows, acc);
    return 0;
}

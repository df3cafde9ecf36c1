/*
** test_strmap.c — the string map (src/util/strmap.c) in both of its forms,
** the array searched in order (up to 16 keys) and the hash table past it:
** strmap_put replaces and returns what a key had, strmap_add keeps what a
** key had and returns it, and both find every key again after the map
** changed form.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "util/util.h"

#define KEYS 200                            /* past the array's 16 */

static void *value_of(size_t i) { return (void *)(i + 1); }

static void put_and_add_in_both_forms(void **state) {
    (void)state;
    arena *a = arena_new();
    strmap *m = strmap_new(a);
    char *keys[KEYS];
    for (size_t i = 0; i < KEYS; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "key%zu", i);
        keys[i] = arena_strdup(a, buf);
        /* new: added, NULL back; there: kept, its value back */
        assert_null(strmap_add(m, keys[i], value_of(i)));
        assert_ptr_equal(strmap_add(m, keys[i], value_of(i + 1000)), value_of(i));
        assert_int_equal(strmap_count(m), i + 1);
        /* every key so far, whatever form the map has now */
        for (size_t k = 0; k <= i; k++) assert_ptr_equal(strmap_get(m, keys[k]), value_of(k));
    }
    /* put replaces, and says what was there */
    for (size_t i = 0; i < KEYS; i++) assert_ptr_equal(strmap_put(m, keys[i], value_of(i + 5000)), value_of(i));
    for (size_t i = 0; i < KEYS; i++) assert_ptr_equal(strmap_get(m, keys[i]), value_of(i + 5000));
    assert_int_equal(strmap_count(m), KEYS);
    assert_null(strmap_get(m, "absent"));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_and_add_in_both_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

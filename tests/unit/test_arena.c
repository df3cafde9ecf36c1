/*
** test_arena.c — the arena (src/util/arena.c): arena_alloc and arena_grow
** hand out zeroed memory in every block an arena can get (malloc'd, fresh
** from mmap, given back and reused by the next arena, emptied by
** arena_reset), also where arena_printf wrote into free space it then did
** not keep; strings are copied whole; under AddressSanitizer, what an
** arena took back is poisoned and what it hands out is not.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Enough to go past the malloc'd first blocks into mapped ones. */
#define FILL_BYTES ((size_t)6 << 20)

static void assert_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) fail_msg("byte %zu of %zu is 0x%02x, not zero", i, n, p[i]);
}

/* Allocate about FILL_BYTES in pieces, checking each is zero, then dirty
** every byte of it. */
static void fill_and_dirty(arena *a) {
    size_t sizes[] = {1, 7, 24, 136, 1000, 4096, 300};
    for (size_t total = 0, k = 0; total < FILL_BYTES; k++) {
        size_t n = sizes[k % 7];
        unsigned char *p = arena_alloc(a, n);
        assert_zero(p, n);
        memset(p, 0xAB, n);
        total += n;
    }
}

static void alloc_zeroed_in_every_kind_of_block(void **state) {
    (void)state;
    /* fresh blocks, malloc'd and mapped */
    arena *a = arena_new();
    fill_and_dirty(a);
    /* its mapped blocks go to the cache: the next arena gets them dirty */
    arena_free(a);
    arena *b = arena_new();
    fill_and_dirty(b);
    /* emptied: the first block again, written before */
    arena_reset(b);
    fill_and_dirty(b);
    arena_free(b);
}

static void grow_zeroes_the_new_part(void **state) {
    (void)state;
    for (int round = 0; round < 2; round++) {    /* the second in blocks an arena gave back */
        arena *a = arena_new();
        for (int v = 0; v < 200; v++) {
            VEC(uint64_t) vec = {0};
            for (size_t i = 0; i < 3000; i++) {
                size_t cap = vec.cap;
                vec_push(a, &vec, ~(uint64_t)0);
                if (vec.cap != cap) assert_zero((const unsigned char *)(vec.items + vec.len), (vec.cap - vec.len) * 8);
            }
            for (size_t i = 0; i < vec.len; i++) assert_true(vec.items[i] == ~(uint64_t)0);
            unsigned char *p = arena_alloc(a, 64);  /* between the vectors: no growing in place */
            assert_zero(p, 64);
            memset(p, 0xCD, 64);
        }
        arena_free(a);
    }
}

/* arena_printf prints into the block's free space; when the text does not
** fit, those bytes stay behind in space the block hands out later. */
static void printf_scribble_is_not_taken_for_zeros(void **state) {
    (void)state;
    for (int round = 0; round < 2; round++) {
        arena *a = arena_new();
        char big[70000];
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        for (int i = 0; i < 200; i++) {
            unsigned char *p = arena_alloc(a, 5000);
            assert_zero(p, 5000);
            memset(p, 0xEE, 5000);
            const char *s = arena_printf(a, "%s", big);     /* never fits a block's rest */
            assert_int_equal(strlen(s), sizeof big - 1);
            unsigned char *q = arena_alloc(a, 3000);
            assert_zero(q, 3000);
        }
        arena_reset(a);
        unsigned char *r = arena_alloc(a, 60000);
        assert_zero(r, 60000);
        arena_free(a);
    }
}

static void strings_copied_whole(void **state) {
    (void)state;
    arena *a = arena_new();
    assert_null(arena_strdup(a, NULL));
    assert_string_equal(arena_strdup(a, ""), "");
    assert_string_equal(arena_strdup(a, "revision"), "revision");
    assert_string_equal(arena_strndup(a, "revision", 3), "rev");
    assert_string_equal(arena_strndup(a, "ab", 10), "ab");
    /* a span of a longer string: its n bytes, ended */
    const char *line = "model T0001 {";
    assert_string_equal(arena_strcopy(a, line + 6, 5), "T0001");
    assert_string_equal(arena_strcopy(a, line, 0), "");
    arena_free(a);
}

/* A pointer kept past arena_reset, or past its block's return to the
** cache, points at poisoned memory (ASan reports its use); memory handed
** out again, in place or by arena_printf, is usable. */
static void taken_back_memory_is_poisoned(void **state) {
    (void)state;
#ifdef TEST_ASAN
    arena *a = arena_new();
    char *small = arena_alloc(a, 24);
    fill_and_dirty(a);                          /* mapped blocks too */
    char *late = arena_alloc(a, 24);
    assert_false(__asan_address_is_poisoned(small));
    assert_false(__asan_address_is_poisoned(late + 23));
    arena_reset(a);
    assert_true(__asan_address_is_poisoned(small));
    assert_true(__asan_address_is_poisoned(late));
    char *again = arena_alloc(a, 24);
    assert_false(__asan_address_is_poisoned(again + 23));
    char *grown = arena_grow(a, again, 24, 48);
    assert_false(__asan_address_is_poisoned(grown + 47));
    char *text = arena_printf(a, "%s-%d", "poison", 42);
    assert_string_equal(text, "poison-42");
    assert_false(__asan_address_is_poisoned(text + 9));
    assert_true(__asan_address_is_poisoned(text + 64));     /* the free space after it */
    arena_free(a);
#else
    skip();
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_zeroed_in_every_kind_of_block),
        cmocka_unit_test(grow_zeroes_the_new_part),
        cmocka_unit_test(printf_scribble_is_not_taken_for_zeros),
        cmocka_unit_test(strings_copied_whole),
        cmocka_unit_test(taken_back_memory_is_poisoned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

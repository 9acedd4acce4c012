/* lib/buf.c: growth, the hard cap, printf, reset and clear. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

static void test_empty(void)
{
	struct buf b;

	buf_init(&b, 100);
	tap_ok(b.data == NULL, "init: no memory until the first append");
	tap_is_int((long long)b.len, 0, "init: length 0");
	tap_is_int((long long)b.max, 100, "init: max kept");
	tap_is_str(buf_str(&b), "", "init: buf_str is \"\"");
	tap_is_int(buf_append(&b, "", 0), 0, "empty append succeeds");
	tap_is_str(buf_str(&b), "", "empty append leaves \"\"");
	buf_clear(&b);
	buf_clear(&b);
	tap_ok(b.data == NULL && b.len == 0, "clear twice is harmless");
}

static void test_append(void)
{
	struct buf b;

	buf_init(&b, 1000);
	tap_is_int(buf_append(&b, "abc", 3), 0, "append abc");
	tap_is_int(buf_puts(&b, "def"), 0, "puts def");
	tap_is_str(buf_str(&b), "abcdef", "content abcdef");
	tap_is_int((long long)b.len, 6, "length 6");
	tap_is_int(b.data[6], '\0', "NUL-terminated");
	tap_is_int(buf_append(&b, "x\0y", 3), 0, "append bytes holding a NUL");
	tap_is_int((long long)b.len, 9, "length counts the NUL byte");
	tap_ok(memcmp(b.data, "abcdefx\0y", 10) == 0, "bytes after the NUL kept");
	buf_clear(&b);
}

static void test_cap(void)
{
	struct buf b;

	buf_init(&b, 10);
	tap_is_int(buf_append(&b, "12345678", 8), 0, "8 of 10 bytes fit");
	tap_is_int(buf_append(&b, "abc", 3), -1, "3 more bytes would pass the cap: refused");
	tap_is_str(buf_str(&b), "12345678", "refused append keeps the content");
	tap_is_int((long long)b.len, 8, "refused append keeps the length");
	tap_is_int(buf_append(&b, "9A", 2), 0, "exactly up to the cap is fine");
	tap_is_str(buf_str(&b), "123456789A", "content at the cap");
	tap_is_int(buf_append(&b, "B", 1), -1, "one byte past the cap: refused");
	tap_is_int(buf_puts(&b, "B"), -1, "puts past the cap: refused");
	tap_is_int(buf_printf(&b, "%d", 1), -1, "printf past the cap: refused");
	tap_is_str(buf_str(&b), "123456789A", "content unchanged after refusals");
	tap_is_int(buf_append(&b, "", 0), 0, "empty append at the cap succeeds");
	buf_clear(&b);

	buf_init(&b, 4);
	tap_is_int(buf_puts(&b, "hello"), -1, "first append larger than the cap: refused");
	tap_is_str(buf_str(&b), "", "nothing kept from it");
	tap_is_int((long long)b.len, 0, "length stays 0");
	buf_clear(&b);

	buf_init(&b, 0);
	tap_is_int(buf_append(&b, "x", 1), -1, "cap 0 refuses one byte");
	tap_is_int(buf_append(&b, "", 0), 0, "cap 0 accepts nothing");
	tap_is_str(buf_str(&b), "", "cap 0 holds \"\"");
	buf_clear(&b);

	buf_init(&b, SIZE_MAX);
	tap_is_int(buf_puts(&b, "no limit"), 0, "cap SIZE_MAX: ordinary appends work");
	tap_is_int(buf_append(&b, "x", SIZE_MAX), -1, "cap SIZE_MAX: an impossible length is refused");
	tap_is_str(buf_str(&b), "no limit", "cap SIZE_MAX: content kept");
	buf_clear(&b);
}

static void test_growth(void)
{
	struct buf b;
	char *want = malloc(20001);
	size_t at = 0;
	bool ok = true;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 2000; i++) {
		/* 10 characters a time: crosses every doubling from 256 up */
		ok = ok && buf_printf(&b, "%05d-%3s|", i, "ab") == 0;
		at += (size_t)snprintf(want + at, 20001 - at, "%05d-%3s|", i, "ab");
	}
	tap_ok(ok, "2000 printf appends succeed");
	tap_is_int((long long)b.len, 20000, "length after growth");
	tap_ok(strcmp(buf_str(&b), want) == 0, "content after growth matches snprintf");
	tap_ok(b.cap > b.len, "capacity leaves room for the NUL");
	buf_clear(&b);
	free(want);

	buf_init(&b, 1 << 20);
	char big[5000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	tap_is_int(buf_printf(&b, "<%s>", big), 0, "one printf far larger than the first block");
	tap_is_int((long long)b.len, 5001, "its length");
	tap_ok(b.data[0] == '<' && b.data[5000] == '>' && b.data[5001] == '\0', "its content");
	buf_clear(&b);
}

static void test_printf_cap(void)
{
	struct buf b;

	buf_init(&b, 8);
	tap_is_int(buf_printf(&b, "%s-%d", "ab", 42), 0, "printf within the cap");
	tap_is_str(buf_str(&b), "ab-42", "printf content");
	tap_is_int(buf_printf(&b, "%d", 1234), -1, "printf that would pass the cap: refused");
	tap_is_str(buf_str(&b), "ab-42", "content kept after refused printf");
	tap_is_int(buf_printf(&b, "%d", 123), 0, "printf exactly to the cap");
	tap_is_str(buf_str(&b), "ab-42123", "content at the cap");
	tap_is_int(buf_printf(&b, "%s", ""), 0, "empty printf at the cap succeeds");
	buf_clear(&b);

	buf_init(&b, 100);
	tap_is_int(buf_printf(&b, "%s", ""), 0, "empty printf on an empty buffer");
	tap_is_str(buf_str(&b), "", "still \"\"");
	tap_is_int((long long)b.len, 0, "still length 0");
	buf_clear(&b);
}

static void test_reset_clear(void)
{
	struct buf b;
	char *mem;
	size_t cap;

	buf_init(&b, 1000);
	buf_puts(&b, "something");
	mem = b.data;
	cap = b.cap;
	buf_reset(&b);
	tap_is_str(buf_str(&b), "", "reset empties");
	tap_is_int((long long)b.len, 0, "reset: length 0");
	tap_ok(b.data == mem && b.cap == cap, "reset keeps the memory");
	tap_is_int(buf_puts(&b, "again"), 0, "append after reset");
	tap_is_str(buf_str(&b), "again", "content after reset");
	buf_clear(&b);
	tap_ok(b.data == NULL && b.len == 0 && b.cap == 0, "clear frees and zeroes");
	tap_is_str(buf_str(&b), "", "buf_str after clear is \"\"");
	tap_is_int((long long)b.max, 1000, "clear keeps the cap");
	tap_is_int(buf_puts(&b, "reuse"), 0, "append after clear");
	tap_is_str(buf_str(&b), "reuse", "content after clear");
	buf_clear(&b);

	buf_init(&b, 10);
	buf_reset(&b);
	tap_ok(b.data == NULL && b.len == 0, "reset of an unused buffer is harmless");
	buf_clear(&b);
}

static void test_append_ll(void)
{
	static const long long values[] = { 0, 7, -7, 10, 86400, -172800, 9223372036854775807LL,
					    -9223372036854775807LL - 1 };
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		struct buf b;
		char want[32];
		buf_init(&b, 64);
		snprintf(want, sizeof want, "%lld", values[i]);
		tap_ok(buf_append_ll(&b, values[i]) == 0, "append_ll %s: ok", want);
		tap_is_str(buf_str(&b), want, "append_ll %s: same as printf", want);
		buf_clear(&b);
	}
	struct buf small;
	buf_init(&small, 3);
	tap_ok(buf_append_ll(&small, 12345) == -1 && small.len == 0, "append_ll past the cap fails, nothing kept");
	buf_clear(&small);
}

int main(void)
{
	test_append_ll();
	test_empty();
	test_append();
	test_cap();
	test_growth();
	test_printf_cap();
	test_reset_clear();
	return tap_done();
}

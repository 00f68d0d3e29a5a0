/* printf formats what it claims to: each conversion against its expected text. */
#include "hvtest.h"

static void check(const char *expected, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void check(const char *expected, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(!strcmp(buf, expected), "format \"%s\": expected \"%s\", got \"%s\"", fmt, expected, buf);
}

static void test_integers(void)
{
	check("0", "%d", 0);
	check("-42", "%d", -42);
	check("4294967295", "%u", 4294967295u);
	check("-9223372036854775808", "%lld", (long long)(-9223372036854775807ll - 1));
	check("18446744073709551615", "%llu", 18446744073709551615ull);
	check("deadbeef", "%x", 0xdeadbeefu);
	check("DEADBEEF", "%X", 0xdeadbeefu);
	check("0x1f", "%#x", 0x1f);
	check("0", "%#x", 0);
	check("17", "%o", 15);
	check("-1", "%hhd", 255);
	check("65535", "%hu", 0xffffffffu);
	check("123", "%zu", (size_t)123);
}

static void test_width_and_flags(void)
{
	check("   42", "%5d", 42);
	check("42   |", "%-5d|", 42);
	check("00042", "%05d", 42);
	check("-0042", "%05d", -42);
	check("+42", "%+d", 42);
	check(" 42", "% d", 42);
	check("0x0000ff", "%#08x", 0xff);
	check("  007", "%5.3d", 7);
	check("0000000000001000", "%016llx", 0x1000ull);
	check("   ab", "%*s", 5, "ab");
}

static void test_strings_and_chars(void)
{
	check("hello", "%s", "hello");
	check("hel", "%.3s", "hello");
	const char *volatile null_string = NULL;	/* hidden from the compiler's format checks */
	check("(null)", "%s", null_string);
	check("x", "%c", 'x');
	check("100%", "%d%%", 100);
	check("0x1000", "%p", (void *)0x1000);
}

/*
 * vsnprintf into `size` bytes of a 16-byte buffer of '#': the return is the
 * whole length, at most size - 1 characters and a NUL are stored, and no
 * byte from buf[size] on is written.
 */
static void vcheck_truncated(size_t size, const char *expected, int expected_n, const char *fmt,
			     va_list ap)
{
	char buf[16];
	size_t untouched = size;

	memset(buf, '#', sizeof(buf));
	int n = vsnprintf(buf, size, fmt, ap);
	while (untouched < sizeof(buf) && buf[untouched] == '#')
		untouched++;
	bool stored = size ? !strcmp(buf, expected) : true;
	report(n == expected_n && stored && untouched == sizeof(buf),
	       "format \"%s\" into %zu bytes: expected return %d, \"%s\" and nothing written from "
	       "byte %zu on, got %d, \"%.*s\" and %s", fmt, size, expected_n, expected, size, n,
	       size ? (int)size : 0, buf, untouched == sizeof(buf) ? "nothing written" : "a byte written");
}

static void check_truncated(size_t size, const char *expected, int expected_n, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
static void check_truncated(size_t size, const char *expected, int expected_n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_truncated(size, expected, expected_n, fmt, ap);
	va_end(ap);
}

/* The same for a format the compiler's format checks would refuse (an unknown conversion, a last '%'). */
static void check_truncated_unchecked(size_t size, const char *expected, int expected_n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck_truncated(size, expected, expected_n, fmt, ap);
	va_end(ap);
}

static void test_truncation(void)
{
	check_truncated(8, "0123456", 10, "%s", "0123456789");
	check_truncated(8, "abcdefg", 10, "abcdefghij");
	check_truncated(8, "       ", 10, "%10d", 42);
	check_truncated(8, "ab12345", 12, "ab%llu", 1234567890ull);
	check_truncated(8, "0x00000", 10, "%#010x", 0xff);
	check_truncated(8, "ab     ", 9, "%-8s|", "ab");
	check_truncated(4, "100", 5, "%d%%", 1000);
	check_truncated(4, "xyz", 4, "xy%c%c", 'z', 'w');
	check_truncated_unchecked(4, "abc", 5, "abc%q");
	check_truncated_unchecked(8, "abc%", 4, "abc%");
	check_truncated(1, "", 3, "xyz");
	check_truncated(0, "", 3, "%s", "abc");
}

int main(int argc, char **argv)
{
	static const struct subtest tests[] = {
		{ "integers", test_integers },
		{ "width_flags", test_width_and_flags },
		{ "strings", test_strings_and_chars },
		{ "truncation", test_truncation },
	};
	run_subtests(tests, ARRAY_SIZE(tests));
	return 0;
}

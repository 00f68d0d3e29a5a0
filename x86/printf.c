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

static void test_truncation(void)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "0123456789");

	report(n == 10 && !strcmp(buf, "0123456"),
	       "snprintf into 8 bytes: expected return 10 and \"0123456\", got %d and \"%s\"", n, buf);
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

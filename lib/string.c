/* String and memory functions. */
#include "libc.h"

/*
 * memcpy and memset as REP MOVSQ / REP STOSQ for the whole quadwords and
 * REP MOVSB / REP STOSB for the bytes left: fast on hardware, and an
 * emulator pays per element (Bochs built with its debugger, as Debian's
 * is, runs every iteration as one instruction), so quadwords cost an
 * eighth of what bytes do.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, b = n % 8;

	asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) :: "memory");
	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(b) :: "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t q = 0x0101010101010101ull * (unsigned char)c;
	size_t words = n / 8, b = n % 8;

	asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(q) : "memory");
	asm volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(q) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = 10;
	}
	for (; digit_value(*s) < base; s++)
		v = v * base + digit_value(*s);
	if (end)
		*end = (char *)s;
	return v;
}

bool glob_match(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*')
		return glob_match(p + 1, s) || (*s && glob_match(p, s + 1));
	if (*s && (*p == '?' || *p == *s))
		return glob_match(p + 1, s + 1);
	return false;
}

/* vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#', width, precision, h hh l ll z. */
#include "libc.h"

struct out {
	char *buf;
	size_t size, len;
};

/*
 * Output: what fits before the terminating NUL is stored, everything is
 * counted.  Runs of text, digits and padding go as one memcpy / memset
 * (a call and a bounds check per character cost an emulator several
 * instructions per character).
 */
static size_t room(const struct out *o)
{
	return o->len + 1 < o->size ? o->size - 1 - o->len : 0;
}

static void put_n(struct out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n < room(o) ? n : room(o));
	o->len += n;
}

static void put(struct out *o, char c)
{
	if (room(o))
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;
};

static void pad(struct out *o, int n, char c)
{
	if (n <= 0)
		return;
	memset(o->buf + o->len, c, (size_t)n < room(o) ? (size_t)n : room(o));
	o->len += (size_t)n;
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	if (sp->prec < 0)
		while (s[len])
			len++;
	else
		while (len < sp->prec && s[len])
			len++;
	if (!sp->left)
		pad(o, sp->width - len, ' ');
	put_n(o, s, (size_t)len);
	if (sp->left)
		pad(o, sp->width - len, ' ');
}

static void put_num(struct out *o, unsigned long long v, bool neg, unsigned base,
		    bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], prefix[3] = { 0 };
	int start = sizeof(tmp), plen = 0;	/* the digits are tmp[start..], most significant first */
	bool zero = v == 0;

	do {
		tmp[--start] = digits[v % base];
		v /= base;
	} while (v);
	int n = (int)sizeof(tmp) - start;
	if (sp->prec == 0 && n == 1 && tmp[start] == '0')
		n = 0;
	if (neg)
		prefix[plen++] = '-';
	else if (sp->plus)
		prefix[plen++] = '+';
	else if (sp->space)
		prefix[plen++] = ' ';
	if (sp->alt && base == 16 && !zero) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && (n == 0 || tmp[start] != '0')) {
		prefix[plen++] = '0';
	}
	int zeros = sp->prec > n ? sp->prec - n : 0;
	int total = plen + zeros + n;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, sp->width - total, ' ');
	put_n(o, prefix, (size_t)plen);
	pad(o, zeros, '0');
	put_n(o, tmp + start, (size_t)n);
	if (sp->left)
		pad(o, sp->width - total, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			const char *text = fmt;
			while (fmt[1] && fmt[1] != '%')
				fmt++;
			put_n(&o, text, (size_t)(fmt - text + 1));
			continue;
		}
		struct spec sp = { .prec = -1 };
		for (;; fmt++) {
			char f = fmt[1];
			if (f == '-') sp.left = true;
			else if (f == '0') sp.zero = true;
			else if (f == '+') sp.plus = true;
			else if (f == ' ') sp.space = true;
			else if (f == '#') sp.alt = true;
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			sp.prec = 0;
			fmt++;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.prec = sp.prec * 10 + (*fmt++ - '0');
		}
		int lng = 0;	/* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		for (;; fmt++) {
			if (*fmt == 'l') lng++;
			else if (*fmt == 'h') lng--;
			else if (*fmt == 'z') lng = 1;
			else break;
		}
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd': case 'i':
			s = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1) s = (short)s;
			if (lng <= -2) s = (signed char)s;
			put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, s < 0, 10, false, &sp);
			break;
		case 'u': case 'x': case 'X': case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long) : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1) u = (unsigned short)u;
			if (lng <= -2) u = (unsigned char)u;
			put_num(&o, u, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', &sp);
			break;
		case 'p':
			sp.alt = true;
			put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			sp.prec = -1;
			put_str(&o, c, &sp);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown conversion: print it as it stands */
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

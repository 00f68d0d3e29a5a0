/*
 * Bochs' standard output a line at a time (host side; built as
 * build/bochs-stdout.so, which the runner preloads into a test's Bochs).
 *
 * Under Bochs a program's console is port 0xE9 (docs/bochs.md), whose bytes
 * Bochs 2.7 echoes on its stdout with putchar() and fflush(stdout), one byte
 * at a time, on a stdout its debugger has made unbuffered: one write(2) per
 * byte, 145,000 of them for one run of vmx_entry on one CPU, a fifth of that
 * run's time.  Preloaded, this keeps Bochs' stdout line buffered: Bochs'
 * own requests to change that buffering and its fflush(stdout) are ignored,
 * so the bytes leave at each newline, at exit() and when the buffer is full,
 * in the same order.  What a Bochs that dies of a signal had not ended with
 * a newline is lost (the runner stops a run that hangs with SIGTERM, then
 * SIGKILL); every other stream of Bochs' is untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

static int (*next_setvbuf)(FILE *, char *, int, size_t);
static int (*next_fflush)(FILE *);

static void find_next(void)
{
	if (!next_setvbuf)
		next_setvbuf = (int (*)(FILE *, char *, int, size_t))dlsym(RTLD_NEXT, "setvbuf");
	if (!next_fflush)
		next_fflush = (int (*)(FILE *))dlsym(RTLD_NEXT, "fflush");
}

__attribute__((constructor)) static void line_buffered(void)
{
	find_next();
	if (next_setvbuf)
		next_setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
}

int setvbuf(FILE *stream, char *buf, int mode, size_t size)
{
	if (stream == stdout)
		return 0;
	find_next();
	return next_setvbuf ? next_setvbuf(stream, buf, mode, size) : EOF;
}

void setbuf(FILE *stream, char *buf)
{
	setvbuf(stream, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

void setbuffer(FILE *stream, char *buf, size_t size)
{
	setvbuf(stream, buf, buf ? _IOFBF : _IONBF, size);
}

int fflush(FILE *stream)
{
	if (stream == stdout)
		return 0;
	find_next();
	return next_fflush ? next_fflush(stream) : EOF;
}

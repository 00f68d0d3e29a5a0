/*
 * The console: the 16550 UART on COM1, polled, 115200 8N1; or, when the
 * command line says console=e9 and the port answers (Bochs' port_e9_hack,
 * QEMU's isa-debugcon), the debug port 0xE9, whose bytes cost no wait.
 * Bochs keeps the UART's baud rate in emulated time, so polling for it was
 * half of a program's emulated instructions there (docs/bochs.md).
 */
#include "console.h"
#include "boot.h"
#include "libc.h"
#include "processor.h"
#include "spinlock.h"

#define COM1		0x3f8
#define UART_THR	0
#define UART_IER	1
#define UART_DLL	0
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

static struct spinlock console_lock;
static bool use_e9;

void console_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB */
	outb(COM1 + UART_DLL, 1);	/* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03);
}

bool console_use_e9(void)
{
	if (inb(DEBUG_PORT) != DEBUG_PORT)
		return false;
	console_drain();		/* what the UART holds goes out first */
	use_e9 = true;
	outb(DEBUG_PORT, '\n');		/* after the loader's milestones: lines of their own */
	return true;
}

static void uart_putc(char c)
{
	for (unsigned spins = 0; !(inb(COM1 + UART_LSR) & LSR_THRE) && spins < 1000000; spins++)
		cpu_relax();
	outb(COM1 + UART_THR, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = read_rflags();

	irq_disable();
	spin_lock(&console_lock);
	if (use_e9)	/* one REP OUTSB: no loop of our own per byte */
		asm volatile("rep outsb" : "+S"(s), "+c"(n) : "d"(DEBUG_PORT) : "memory");
	else
		for (size_t i = 0; i < n; i++)
			uart_putc(s[i]);
	spin_unlock(&console_lock);
	write_rflags(flags);
}

void console_drain(void)
{
	if (use_e9) {
		/* The port takes each byte at once; a line another CPU is writing ends first. */
		for (unsigned spins = 0; console_lock.v && spins < 10000000; spins++)
			cpu_relax();
		return;
	}
	for (unsigned spins = 0; !(inb(COM1 + UART_LSR) & LSR_TEMT) && spins < 10000000; spins++)
		cpu_relax();
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void puts(const char *s)
{
	console_write(s, strlen(s));
}

void boot_milestone(unsigned char milestone)
{
	if (!use_e9 && inb(DEBUG_PORT) == DEBUG_PORT)	/* never inside the console's lines */
		outb(DEBUG_PORT, milestone);
}

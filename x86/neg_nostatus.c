/*
 * Negative test of the runner: reports a pass, then stops through the exit
 * device and Bochs' magic breakpoint WITHOUT the final status line.  Both
 * emulators then exit as after a clean run (QEMU 1, Bochs 0): the runner
 * must still call it CRASH, never PASS.
 */
#include "hvtest.h"
#include "console.h"

int main(int argc, char **argv)
{
	report_info("about to stop without the final status line");
	console_drain();
	outl(0xf4, 0);				/* QEMU isa-debug-exit: code 0 */
	asm volatile("xchg %%bx, %%bx" ::: "memory");	/* Bochs magic breakpoint */
	for (;;)
		asm volatile("cli; hlt");
}

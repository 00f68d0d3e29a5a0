/* Negative test of the runner: never finishes.  The runner must call it TIMEOUT. */
#include "hvtest.h"

int main(int argc, char **argv)
{
	report_info("about to hang with interrupts disabled");
	for (;;)
		asm volatile("cli; hlt");
}

/*
 * Negative test of the runner: triple-faults (an exception with an empty
 * IDT).  No final status line comes; the runner must call it CRASH.
 */
#include "hvtest.h"

int main(int argc, char **argv)
{
	struct descriptor_table_ptr empty = { 0, 0 };

	report_info("about to load an empty IDT and raise #BP");
	asm volatile("lidt %0; int3" :: "m"(empty));
	report(false, "no triple fault after #BP with an empty IDT");
	return 0;
}

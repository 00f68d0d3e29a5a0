/*
 * Negative test of the runner: touches an unmapped address.  The runtime
 * must report an unexpected #PF as a FAIL with a backtrace; the runner must
 * call the run FAIL, never PASS.
 */
#include "hvtest.h"

int main(int argc, char **argv)
{
	report_info("about to read the unmapped address 0x500000000000");
	(void)*(volatile uint64_t *)0x500000000000ull;
	report(false, "the read of an unmapped address did not fault");
	return 0;
}

/* COM1 serial console. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* Write n bytes as one unit (no other CPU's output in between). */
void console_write(const char *s, size_t n);
/* Wait until the transmitter is empty (LSR.TEMT): nothing is lost at exit. */
void console_drain(void);
/* A boot milestone (lib/boot.h, MILESTONE_*) on the debug port, where there is one. */
void boot_milestone(unsigned char milestone);

#endif

/* Test-and-set spinlock. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include "processor.h"

struct spinlock { volatile int v; };

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
		while (l->v)
			cpu_relax();
}
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

#endif

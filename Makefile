# hvtest build.  Sources stay where they are; everything make produces goes
# under build/ (git-ignored):
#   build/NAME.elf    a program: 64-bit ELF with symbols (gdb, addr2line)
#   build/NAME.flat   the same wrapped as elf32-i386 (QEMU's -kernel wants that)
#   build/NAME.bin    raw image from the load address (what the disk loader loads)
#   build/NAME.img    bootable raw disk image (Bochs; QEMU -drive)
#   build/bochs-stdout.so  a host library the runner preloads into Bochs
#                     (scripts/bochs-stdout.c: its stdout a line at a time)
#   build/obj/...     objects and libraries, one per source, by source path
# Program names are unique across x86/, vmx/ and svm/; the runner finds a
# program as build/NAME.* (scripts/runner/backends.py: program_path).

-include config.mak

B := build
O := $(B)/obj

CFLAGS := -std=gnu11 -m64 -ffreestanding -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -mno-red-zone -mno-sse -mno-mmx -mno-80387 \
	-mcmodel=small -fno-builtin -fno-strict-aliasing --param=min-pagesize=0 -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-I lib -MMD -MP
ASFLAGS := -m64 -I lib -MMD -MP -g
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

# objs-of(SOURCES): their objects under build/obj.
objs-of = $(patsubst %,$(O)/%.o,$(basename $(1)))

# The runtime and the two vendor layers, each a library (lib/vmx and lib/svm
# never include each other; programs of vmx/ link libvmx, of svm/ libsvm).
libhv := $(O)/lib/libhv.a
libvmx := $(O)/lib/vmx/libvmx.a
libsvm := $(O)/lib/svm/libsvm.a
$(libhv): $(call objs-of,$(wildcard lib/*.c lib/*.S))
$(libvmx): $(call objs-of,$(wildcard lib/vmx/*.c lib/vmx/*.S))
$(libsvm): $(call objs-of,$(wildcard lib/svm/*.c lib/svm/*.S))
layer-x86 :=
layer-vmx := $(libvmx)
layer-svm := $(libsvm)

# Each area lists its programs in DIR/Makefile.inc (progs-DIR := NAME ...).
# A program is DIR/NAME.c, or a folder DIR/NAME/ whose .c files are all its own.
.DEFAULT_GOAL := all
include x86/Makefile.inc
include vmx/Makefile.inc
include svm/Makefile.inc
areas := x86 vmx svm

prog-src = $(or $(wildcard $(1)/$(2)/*.c),$(1)/$(2).c)
progs := $(foreach a,$(areas),$(progs-$(a)))
ifneq ($(words $(progs)),$(words $(sort $(progs))))
$(error a program name is used twice in x86/, vmx/, svm/: $(progs))
endif
elfs := $(addprefix $(B)/,$(addsuffix .elf,$(progs)))
outputs := $(elfs) $(elfs:.elf=.flat) $(elfs:.elf=.bin) $(elfs:.elf=.img)

all: $(outputs) $(B)/bochs-stdout.so

# Host code, for the host's compiler (not the guest's flags).  Without it
# (no C library headers, say) everything works, Bochs' console only slower.
HOSTCC ?= cc
$(B)/bochs-stdout.so: scripts/bochs-stdout.c
	@mkdir -p $(B)
	$(call quiet,HOSTCC,$@)$(HOSTCC) -shared -fPIC -O2 -Wall -Wextra -Werror -o $@ $< -ldl || \
		echo "make: $@ not built: Bochs' console will be written a byte at a time (docs/bochs.md)" >&2

# Building needs config.mak; the set-up targets write it themselves.
setup-goals := deps run check check-l1 bench standalone clean distclean
ifeq ($(wildcard config.mak),)
ifneq ($(filter-out $(setup-goals),$(or $(MAKECMDGOALS),all)),)
$(error config.mak missing: run ./configure (or make run / make check, which do it))
endif
endif

# Quiet build lines; V=1 prints the full commands.
ifneq ($(V),1)
quiet = @printf '  %-7s %s\n' $(1) $(2);
endif

%.a:
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

$(O)/%.o: %.c config.mak
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<
$(O)/%.o: %.S config.mak
	@mkdir -p $(dir $@)
	$(call quiet,AS,$@)$(CC) $(ASFLAGS) -c -o $@ $<

boot-obj := $(O)/x86/boot/cstart64.o
lds := x86/boot/hvtest.lds

# program-rule(AREA, NAME)
define program-rule
$(B)/$(2).elf: $(call objs-of,$(call prog-src,$(1),$(2))) $(boot-obj) $(layer-$(1)) $(libhv) $(lds)
	$$(call quiet,LD,$$@)$$(LD) $$(LDFLAGS) -T $(lds) -o $$@ $(boot-obj) $(call objs-of,$(call prog-src,$(1),$(2))) $(layer-$(1)) $(libhv)
endef
$(foreach a,$(areas),$(foreach p,$(progs-$(a)),$(eval $(call program-rule,$(a),$(p)))))

%.flat: %.elf
	$(call quiet,OBJCOPY,$@)$(OBJCOPY) -O elf32-i386 $< $@
%.bin: %.elf
	$(call quiet,OBJCOPY,$@)$(OBJCOPY) -O binary $< $@

include x86/boot/image.mk

.PRECIOUS: $(O)/%.o %.elf %.bin

# The main job and the tests.  Both install what is missing and configure first;
# check also what checks the GitHub workflow and action (build/npm, docs/ci.md).
deps:
	@scripts/install-deps.sh
	@[ -f config.mak ] || ./configure

run: deps
	@$(MAKE) --no-print-directory all
	./run_tests.sh

check: deps
	@scripts/install-deps.sh --check
	@$(MAKE) --no-print-directory all
	scripts/check.sh

# The whole SVM, VMX and x86 suite under the l1-kvm backend (real KVM as an
# L1 under QEMU TCG and Bochs: docs/l1-kvm.md); make check runs only its smoke.
check-l1: deps
	@$(MAKE) --no-print-directory all
	scripts/check.sh --l1-suite

bench: deps
	@$(MAKE) --no-print-directory all
	python3 scripts/bench.py

standalone: deps
	@$(MAKE) --no-print-directory all
	python3 scripts/standalone.py

clean:
	rm -rf $(B) logs logs.old logs.l1 tests

distclean: clean
	rm -f config.mak

.PHONY: all deps run check check-l1 bench standalone clean distclean

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Bootable raw disk images (Bochs; QEMU -drive): loader + command line + .bin.
# Layout and loader: x86/boot/bootsect.S, x86/boot/mkimage.sh.
bootsect := $(O)/x86/boot/bootsect

$(bootsect).o: x86/boot/bootsect.S lib/boot.h config.mak
	@mkdir -p $(dir $@)
	$(call quiet,AS,$@)$(CC) -m32 -I lib -c -o $@ $<

# Boot sector, command line placeholder and second stage, linked at 0x7c00.
$(bootsect).bin: $(bootsect).o
	$(call quiet,LD,$@)$(LD) -m elf_i386 -Ttext 0x7c00 -e _start --oformat binary -o $@ $<

$(B)/%.img: $(B)/%.bin $(bootsect).bin x86/boot/mkimage.sh
	$(call quiet,IMAGE,$@)sh x86/boot/mkimage.sh $(bootsect).bin $< $* $@

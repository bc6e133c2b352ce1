LUKS_SRCS := $(wildcard luks/*.c)

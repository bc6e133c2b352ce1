FS_SRCS := $(wildcard fs/*.c)

#include <hdf5.h>

/* Function-like macros and H5*_g globals Swift cannot import directly. */
static inline hid_t friction_h5p_file_access(void) { return H5Pcreate(H5P_FILE_ACCESS); }
static inline hid_t friction_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t friction_h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t friction_h5s_all(void) { return H5S_ALL; }
static inline hid_t friction_native_char(void) { return H5T_NATIVE_CHAR; }
static inline hid_t friction_c_s1(void) { return H5T_C_S1; }
static inline haddr_t friction_haddr_undef(void) { return HADDR_UNDEF; }
static inline herr_t friction_silence(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
static inline unsigned friction_acc_rdonly(void) { return H5F_ACC_RDONLY; }

/* Zero-copy, read-only file images: the library's core driver reads the caller's buffer (a
 * mapped archive member) in place instead of copying it twice, as H5LTopen_file_image does with
 * H5LT_FILE_IMAGE_DONT_COPY. The buffer must outlive the file handle and is never written. */
static void *friction_image_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)size; (void)op;
    return udata;
}
static void *friction_image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)src; (void)size; (void)op; (void)udata;
    return dest;   /* dest is the caller's buffer itself */
}
static void *friction_image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)size; (void)op; (void)udata;
    return NULL;   /* read-only: never grows */
}
static herr_t friction_image_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)op; (void)udata;
    return 0;      /* the caller owns the buffer */
}
static void *friction_udata_copy(void *udata) { return udata; }
static herr_t friction_udata_free(void *udata) { (void)udata; return 0; }

/* A file-access list with the core driver over `buffer` (not copied). */
static inline hid_t friction_image_fapl(void *buffer, size_t size) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5FD_file_image_callbacks_t callbacks = {
        friction_image_malloc, friction_image_memcpy, friction_image_realloc, friction_image_free,
        friction_udata_copy, friction_udata_free, buffer
    };
    if (H5Pset_fapl_core(fapl, 1 << 20, 0) < 0 || H5Pset_file_image_callbacks(fapl, &callbacks) < 0 ||
        H5Pset_file_image(fapl, buffer, size) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

/* An anonymous in-memory file (close-on-exec) to hand a decoded HDF5 image to the worker process. */
#include <sys/syscall.h>
#include <unistd.h>
static inline int friction_memfd(void) {
#ifdef SYS_memfd_create
    return (int)syscall(SYS_memfd_create, "friction-hdf5", 1u /* MFD_CLOEXEC */);
#else
    return -1;
#endif
}

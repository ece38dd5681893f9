/**
 * Archive formats read from inside an image: the Linux initramfs ({@link io.vhdflow.disk.archive.Initramfs}),
 * a sequence of cpio archives, each stored plain or compressed, that the kernel unpacks into its
 * first root filesystem.
 *
 * <h2>Layout of an initramfs image (the kernel's {@code init/initramfs.c})</h2>
 * The file is a sequence of <em>segments</em>. Zero bytes between segments are padding and are
 * skipped. A segment is either
 * <ul>
 *   <li>an uncompressed cpio archive (magic {@code 070701} or {@code 070702} at its first byte):
 *       the early microcode archive that mkinitramfs and dracut put first, because the kernel
 *       looks for microcode before it decompresses anything; or</li>
 *   <li>a compressed stream whose content is one or more cpio archives, recognised by magic
 *       ({@link io.vhdflow.disk.archive.Compression}): gzip {@code 1F 8B}, bzip2 {@code "BZh"}, xz
 *       {@code FD 37 7A 58 5A 00}, lzma {@code 5D 00 00}, zstd {@code 28 B5 2F FD}, legacy LZ4
 *       {@code 02 21 4C 18}. A compressed segment runs to the end of the file: this is how
 *       mkinitramfs and dracut write it, and the reader says so rather than guess where a stream
 *       ends inside a decompressor's buffer.</li>
 * </ul>
 *
 * <h2>cpio "newc" / "crc" header (110 bytes, ASCII; every numeric field 8 hexadecimal digits)</h2>
 * <table>
 *   <caption>cpio newc header</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>6</td><td>magic: {@code 070701} (newc) or {@code 070702} (crc: newc plus a data checksum)</td></tr>
 *   <tr><td>6</td><td>8</td><td>inode number</td></tr>
 *   <tr><td>14</td><td>8</td><td>mode (type and permission bits, as {@code st_mode})</td></tr>
 *   <tr><td>22</td><td>8</td><td>uid</td></tr>
 *   <tr><td>30</td><td>8</td><td>gid</td></tr>
 *   <tr><td>38</td><td>8</td><td>number of links</td></tr>
 *   <tr><td>46</td><td>8</td><td>mtime (seconds since 1970)</td></tr>
 *   <tr><td>54</td><td>8</td><td>file size: bytes of data (a symbolic link's data is its target)</td></tr>
 *   <tr><td>62</td><td>8</td><td>device major</td></tr>
 *   <tr><td>70</td><td>8</td><td>device minor</td></tr>
 *   <tr><td>78</td><td>8</td><td>rdev major</td></tr>
 *   <tr><td>86</td><td>8</td><td>rdev minor</td></tr>
 *   <tr><td>94</td><td>8</td><td>name size, including the terminating NUL</td></tr>
 *   <tr><td>102</td><td>8</td><td>check: for {@code 070702}, the sum of the data bytes modulo 2^32; 0 otherwise</td></tr>
 * </table>
 * The name follows at byte 110, then NUL padding so that header plus name is a multiple of 4; the
 * data follows, padded to a multiple of 4. The entry named {@code TRAILER!!!} ends an archive.
 *
 * <h2>Legacy LZ4 framing (the {@code lz4 -l} format the kernel's {@code lib/decompress_unlz4.c} reads)</h2>
 * A 4-byte little-endian magic {@code 0x184C2102}, then chunks: a 4-byte little-endian compressed
 * size followed by one LZ4 block that decompresses to at most 8 MiB. The magic may appear again
 * between chunks (concatenated streams); the stream ends at the end of the data or at a zero size.
 * The LZ4 <em>frame</em> format ({@code 04 22 4D 18}) is not read by the kernel and is reported as
 * unsupported.
 */
package io.vhdflow.disk.archive;

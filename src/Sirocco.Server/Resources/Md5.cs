using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Sirocco.Server.Resources;

/// <summary>
/// MD5 (RFC 1321) of a definition text, as the hex <c>checksum</c> Mistral reports. Computed here rather than through
/// <c>System.Security.Cryptography.MD5</c>, which on Linux goes through OpenSSL: the first checksum would map and
/// initialise libcrypto (about 5 MB more resident memory) in a server that otherwise never needs it.
/// </summary>
internal static class Md5
{
    // the per-step constants: the integer part of 2^32 * |sin(i + 1)|
    private static readonly uint[] K = Enumerable.Range(0, 64)
        .Select(i => (uint)(ulong)Math.Floor(Math.Abs(Math.Sin(i + 1)) * 4294967296.0)).ToArray();

    private static readonly int[] Shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

    /// <summary>Lower-case hex MD5 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string HexOfUtf8(string text) => Convert.ToHexStringLower(Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>The 16-byte MD5 digest of <paramref name="data"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        Span<uint> words = stackalloc uint[16];
        var whole = data.Length / 64 * 64;
        for (var offset = 0; offset < whole; offset += 64)
        {
            Block(data.Slice(offset, 64), words, ref a, ref b, ref c, ref d);
        }

        // the tail, a 1 bit, zeros up to 56 bytes mod 64, then the length in bits (little-endian, 64 bits)
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = data[whole..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + 8 <= 64 ? 64 : 128;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.Slice(tailLength - 8, 8), (ulong)data.Length * 8);
        for (var offset = 0; offset < tailLength; offset += 64)
        {
            Block(tail.Slice(offset, 64), words, ref a, ref b, ref c, ref d);
        }

        var digest = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(0), a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(4), b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(8), c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(12), d);
        return digest;
    }

    private static void Block(ReadOnlySpan<byte> block, Span<uint> words, ref uint a0, ref uint b0, ref uint c0, ref uint d0)
    {
        for (var i = 0; i < 16; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(i * 4, 4));
        }

        uint a = a0, b = b0, c = c0, d = d0;
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int g;
            switch (i >> 4)
            {
                case 0:
                    f = (b & c) | (~b & d);
                    g = i;
                    break;
                case 1:
                    f = (d & b) | (~d & c);
                    g = (5 * i + 1) & 15;
                    break;
                case 2:
                    f = b ^ c ^ d;
                    g = (3 * i + 5) & 15;
                    break;
                default:
                    f = c ^ (b | ~d);
                    g = (7 * i) & 15;
                    break;
            }

            var rotated = BitOperations.RotateLeft(a + f + K[i] + words[g], Shifts[((i >> 4) << 2) | (i & 3)]);
            a = d;
            d = c;
            c = b;
            b += rotated;
        }

        a0 += a;
        b0 += b;
        c0 += c;
        d0 += d;
    }
}

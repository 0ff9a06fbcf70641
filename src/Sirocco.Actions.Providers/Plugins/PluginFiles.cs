using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// The files of one plugin version (relative path with '/' -> bytes), its content hash and its archive (a zip), the
/// form in which versions are stored durably and handed to executor processes.
/// </summary>
internal static class PluginFiles
{
    /// <summary>
    /// The version stamp: the SHA-256 of the main assembly for a one-file plugin, else of every file's relative path,
    /// length and bytes in path order (a changed dependency is a new version too).
    /// </summary>
    public static string Hash(IReadOnlyDictionary<string, byte[]> files)
    {
        if (files.Count == 1)
        {
            return Convert.ToHexStringLower(SHA256.HashData(files.Values.First()));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path));
            hash.AppendData([0]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, bytes.LongLength);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The files as a zip.</summary>
    public static byte[] Pack(IReadOnlyDictionary<string, byte[]> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The files of a zip made by <see cref="Pack"/>.</summary>
    /// <exception cref="InvalidDataException">Not a zip.</exception>
    public static Dictionary<string, byte[]> Unpack(byte[] archive)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[entry.FullName] = copy.ToArray();
        }

        return files;
    }
}

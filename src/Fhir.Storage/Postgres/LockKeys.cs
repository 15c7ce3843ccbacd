using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Fhir.Storage.Postgres;

/// <summary>64-bit keys for <c>pg_advisory_xact_lock</c>, identical in every process (unlike string.GetHashCode).</summary>
internal static class LockKeys
{
    /// <summary>The lock taken around schema migrations ("FHIRMIGR").</summary>
    public const long Migration = 0x4648_4952_4D49_4752;

    /// <summary>The first 8 bytes of the SHA-256 of the UTF-8 key: stable, and collisions only cost extra waiting.</summary>
    public static long ForCondition(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("condition:" + key), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }
}

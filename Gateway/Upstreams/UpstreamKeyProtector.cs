using System.Security.Cryptography;
using System.Text;

namespace Verge.Orleans.Gateway.Upstreams;

/// <summary>
/// Encrypts upstream API keys with AES-256-GCM (the assistant's name as associated data, so a sealed key
/// cannot be moved to another assistant). The 32-byte key comes from <see cref="ConfigKey"/> (base64), the
/// same on every gateway; without it, from <c>upstream-key</c> in the data folder, created on first use.
/// Only gateways hold it: grain state and the database see ciphertext alone.
/// </summary>
internal sealed class UpstreamKeyProtector(IConfiguration configuration)
{
    public const string ConfigKey = "Verge:UpstreamKeyEncryptionKey";

    private const string Version = "v1.";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Lazy<byte[]> _key = new(() => LoadKey(configuration));

    public string Protect(string assistant, string apiKey)
    {
        var plain = Encoding.UTF8.GetBytes(apiKey);
        var sealedKey = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedKey.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Encrypt(nonce, plain, sealedKey.AsSpan(NonceBytes + TagBytes), sealedKey.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(assistant));
        return Version + Convert.ToBase64String(sealedKey);
    }

    public string Unprotect(string assistant, string protectedKey)
    {
        if (!protectedKey.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown upstream key format.");
        }

        var sealedKey = Convert.FromBase64String(protectedKey[Version.Length..]);
        var plain = new byte[sealedKey.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Decrypt(sealedKey.AsSpan(0, NonceBytes), sealedKey.AsSpan(NonceBytes + TagBytes), sealedKey.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(assistant));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>What may be shown of a key: enough to tell two apart, never enough to use one.</summary>
    public static string Hint(string apiKey) => apiKey.Length < 12 ? "****" : $"{apiKey[..3]}...{apiKey[^4..]}";

    private static byte[] LoadKey(IConfiguration configuration)
    {
        if (configuration[ConfigKey] is { Length: > 0 } configured)
        {
            var key = Convert.TryFromBase64String(configured, new byte[64], out var length) ? Convert.FromBase64String(configured) : [];
            return length == 32 ? key : throw new InvalidOperationException($"{ConfigKey} must be 32 bytes in base64 (openssl rand -base64 32).");
        }

        var folder = configuration["Verge:DataDirectory"] ?? "data";
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "upstream-key");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the key's owner only
            }

            using var file = new FileStream(path, options);
            var key = RandomNumberGenerator.GetBytes(32);
            file.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllBytes(path); // another gateway (or an earlier start) made it
        }
    }
}

using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Verge.Orleans.Gateway.Upstreams;

namespace Verge.Orleans.Tests.Gateway;

public sealed class UpstreamKeyProtectorTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void SealedKeyOpensOnlyForItsAssistantAndHoldsNoClearText()
    {
        var keys = Protector(Key);

        var sealedKey = keys.Protect("remote", "sk-upstream-secret-0123");

        Assert.DoesNotContain("secret", sealedKey, StringComparison.Ordinal);
        Assert.Equal("sk-upstream-secret-0123", keys.Unprotect("remote", sealedKey));
        Assert.ThrowsAny<CryptographicException>(() => keys.Unprotect("other", sealedKey));
        Assert.ThrowsAny<CryptographicException>(() => Protector(Convert.ToBase64String(new byte[32])).Unprotect("remote", sealedKey));
    }

    [Fact]
    public void WithoutAConfiguredKeyGatewaysOnOneDataFolderShareTheKeyFile()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"verge-keys-{Guid.NewGuid():N}");
        var first = Protector(null, folder);

        var sealedKey = first.Protect("remote", "sk-upstream-secret-0123");

        Assert.Equal("sk-upstream-secret-0123", Protector(null, folder).Unprotect("remote", sealedKey));
        Assert.Equal(32, new FileInfo(Path.Combine(folder, "upstream-key")).Length);
    }

    [Fact]
    public void MisconfiguredKeyNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Protector("c2hvcnQ=").Protect("remote", "sk"));

        Assert.Contains(UpstreamKeyProtector.ConfigKey, error.Message, StringComparison.Ordinal);
    }

    private static UpstreamKeyProtector Protector(string? key, string? folder = null) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [UpstreamKeyProtector.ConfigKey] = key, ["Verge:DataDirectory"] = folder })
        .Build());
}

using System.Security.Cryptography;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>Bytes received so far and the announced size, written by a download and read by status calls.</summary>
internal sealed class DownloadProgress
{
    private long _received;

    public long Received => Interlocked.Read(ref _received);

    public long? Total { get; set; }

    public double? Percent => Total is > 0 and var total ? Math.Round(100.0 * Received / total, 1) : null;

    public void Add(int bytes) => Interlocked.Add(ref _received, bytes);
}

/// <summary>Fetches a model file over http(s) into place, checking its SHA-256 on the way; never leaves a partial file at the target.</summary>
internal static class ModelDownloader
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task DownloadAsync(string url, string path, string? sha256, DownloadProgress progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Downloading {Shown(url)} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            progress.Total = response.Content.Headers.ContentLength;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var target = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    progress.Add(read);
                }
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (sha256 is not null && !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Checksum mismatch for {Shown(url)}: expected SHA-256 {sha256.ToLowerInvariant()}, got {actual}.");
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The address without credentials or query (signed URLs carry secrets there): safe for logs and status.</summary>
    public static string Shown(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path).Replace(uri.UserInfo + "@", "", StringComparison.Ordinal) : "(the model's url)";
}

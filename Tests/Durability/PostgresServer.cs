using System.Diagnostics;

namespace Verge.Orleans.Tests.Durability;

/// <summary>
/// A throwaway PostgreSQL server on a free loopback port, run as the <c>postgres</c> user when the tests
/// run as root (PostgreSQL refuses root). Needs the server binaries (Debian package <c>postgresql</c>).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"verge-pg-{Guid.NewGuid():N}");
    private readonly int _port = Gateway.GatewayFixture.FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=true";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", _directory);
        }

        await RunPostgresAsync("initdb", "-D", _directory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        await RunPostgresAsync("pg_ctl", "-D", _directory, "-l", Path.Combine(_directory, "server.log"), "-w", "start",
            "-o", $"-p {_port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off -c max_connections=200");
    }

    public async Task DisposeAsync()
    {
        await RunPostgresAsync("pg_ctl", "-D", _directory, "-m", "immediate", "-w", "stop");
        Directory.Delete(_directory, recursive: true);
    }

    private static Task RunPostgresAsync(string tool, params string[] arguments)
    {
        var path = Binary(tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static string Binary(string tool)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, tool));
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(version => Path.Combine(version, "bin", tool))
            : [];
        return onPath.Concat(installed).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"PostgreSQL's {tool} was not found: install the 'postgresql' package (.ci/run does).");
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Verge.Orleans.Tests.Durability;

/// <summary>One host of the product (a silo or a gateway) as a real OS process, built by the solution.</summary>
public sealed class ClusterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ClusterProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, line) => Remember(line.Data);
        _process.ErrorDataReceived += (_, line) => Remember(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <c>Verge.Orleans.{project}.dll</c> from that project's build output with <paramref name="settings"/> as environment.</summary>
    public static ClusterProcess Start(string project, string name, IReadOnlyDictionary<string, string> settings)
    {
        var assembly = BuildOutput(project);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };
        start.ArgumentList.Add(assembly);
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new ClusterProcess(name, Process.Start(start)!);
    }

    /// <summary><c>kill -9</c>: no goodbye to the cluster.</summary>
    public void Crash() => _process.Kill(entireProcessTree: true);

    /// <summary><c>kill -STOP</c>: a hung host, its connections open and silent. Disposing kills it.</summary>
    public void Pause()
    {
        using var stop = Process.Start("kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        stop.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container, then waits for the process to leave.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(patience.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} [{Name}] {line}");
        while (_output.Count > 3000 && _output.TryDequeue(out _))
        {
        }
    }

    private static string BuildOutput(string project)
    {
        // Tests run from Tests/bin/<Configuration>/net10.0/linux-x64: the hosts sit in the same place of their own projects.
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var rid = tests.Name;
        var framework = tests.Parent!.Name;
        var configuration = tests.Parent.Parent!.Name;
        var root = tests.Parent.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, project, "bin", configuration, framework, rid, $"Verge.Orleans.{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.");
    }
}

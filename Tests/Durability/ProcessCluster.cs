using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Verge.Orleans.Tests.Gateway;

namespace Verge.Orleans.Tests.Durability;

/// <summary>
/// The cluster mode as real processes on loopback: silos and a stateless gateway (an Orleans client)
/// sharing one PostgreSQL and one data folder, serving the built-in demo model. <paramref name="settings"/>
/// go to every process.
/// </summary>
public sealed class ProcessCluster(string connectionString, IReadOnlyDictionary<string, string>? settings = null) : IAsyncDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"verge-cluster-{Guid.NewGuid():N}");
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}";
    private readonly List<ClusterProcess> _processes = [];

    public Dictionary<int, ClusterProcess> SilosByPort { get; } = [];

    public Uri? GatewayAddress { get; private set; }

    /// <summary>The front's address, once <see cref="StartFrontAsync"/> ran; <see cref="Client"/> then talks to it.</summary>
    public Uri? FrontAddress { get; private set; }

    public ClusterProcess StartSilo(bool gpu = false)
    {
        var port = GatewayFixture.FreePort();
        var settings = Common();
        settings["Verge:Silo:SiloPort"] = port.ToString();
        settings["Verge:Silo:GatewayPort"] = GatewayFixture.FreePort().ToString();
        settings["Verge:Silo:Gpu"] = gpu.ToString();
        settings["Verge:Silo:DrainTimeout"] = "00:00:05";
        var silo = ClusterProcess.Start("Silo", $"silo:{port}", settings);
        _processes.Add(silo);
        SilosByPort[port] = silo;
        return silo;
    }

    /// <summary>Starts a gateway without a silo of its own and waits until it answers with the admin key.</summary>
    public async Task<ClusterProcess> StartGatewayAsync()
    {
        var port = GatewayFixture.FreePort();
        var settings = Common();
        settings["Verge:Gateway:HostSilo"] = "false";
        settings["Urls"] = $"http://127.0.0.1:{port}";
        var gateway = ClusterProcess.Start("Gateway", $"gateway:{port}", settings);
        _processes.Add(gateway);
        GatewayAddress = new Uri($"http://127.0.0.1:{port}");
        using var client = Client();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (gateway.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The gateway did not come up:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/v1/models")).IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Starts the front over the cluster's gateways and waits until it balances over <paramref name="gateways"/>
    /// of them and answers with the admin key.
    /// </summary>
    public async Task<ClusterProcess> StartFrontAsync(int gateways)
    {
        var port = GatewayFixture.FreePort();
        var settings = Common();
        settings["Urls"] = $"http://127.0.0.1:{port}";
        settings["Verge:Front:HealthCheckInterval"] = "00:00:01";
        settings["Logging:LogLevel:Yarp"] = "Warning";
        var front = ClusterProcess.Start("Front", $"front:{port}", settings);
        _processes.Add(front);
        FrontAddress = new Uri($"http://127.0.0.1:{port}");
        using var client = Client();
        await Eventually.HoldsAsync(
            async () => front.HasExited || (front.Output.Contains($"Front balances over {gateways} gateways", StringComparison.Ordinal)
                && await AnswersAsync(client)),
            $"the front balancing over {gateways} gateways");
        return front.HasExited ? throw new InvalidOperationException($"The front exited:\n{Output}") : front;
    }

    public HttpClient Client(string? key = GatewayFixture.AdminKey)
    {
        var client = new HttpClient { BaseAddress = FrontAddress ?? GatewayAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/v1/models")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The silo process that hosts the worker of <paramref name="model"/>, from the admin API's worker list.</summary>
    public async Task<ClusterProcess> SiloOfWorkerAsync(string model)
    {
        // After a silo's death the list may lack the model's worker until its replacement is reported.
        JsonNode? worker = null;
        await Eventually.HoldsAsync(async () => (worker = (await WorkersAsync()).SingleOrDefault(w => (string?)w!["model"] == model)) is not null,
            $"no worker of {model} listed");
        var silo = worker!["silo"]!.ToString();
        // A silo address reads like S127.0.0.1:PORT:GENERATION.
        var port = int.Parse(silo.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        return SilosByPort[port];
    }

    /// <summary>Whether the worker of <paramref name="model"/> is generating something.</summary>
    public async Task<bool> WorkerBusyAsync(string model)
    {
        var workers = await WorkersAsync();
        return workers.Any(w => (string?)w!["model"] == model && (int)w["slotsBusy"]! > 0);
    }

    // The admin API's worker list; while a lost silo's workers are being replaced it may answer 503 for a moment.
    private async Task<JsonArray> WorkersAsync()
    {
        using var client = Client();
        JsonArray? workers = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync("/api/v1/workers");
            workers = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonArray>() : null;
            return workers is not null;
        }, "the worker list did not answer");
        return workers!;
    }

    /// <summary>Stops every process gracefully (SIGTERM), the front and gateways first.</summary>
    public async Task StopAllAsync()
    {
        foreach (var process in _processes.OrderBy(p => p.Name.StartsWith("front", StringComparison.Ordinal) ? 0 : p.Name.StartsWith("silo", StringComparison.Ordinal) ? 2 : 1))
        {
            await process.StopAsync();
        }

        await DisposeProcessesAsync();
    }

    public string Output => string.Join('\n', _processes.Select(p => p.Output));

    public async ValueTask DisposeAsync()
    {
        // VERGE_TEST_LOGS names a folder that keeps every cluster's output (timestamped lines) for a look afterwards.
        if (Environment.GetEnvironmentVariable("VERGE_TEST_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            await File.WriteAllTextAsync(Path.Combine(logs, $"{DateTime.UtcNow:HHmmss}-{_clusterId}.log"), Output);
        }

        await DisposeProcessesAsync();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task DisposeProcessesAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _processes.Clear();
        SilosByPort.Clear();
    }

    private Dictionary<string, string> Common() => new(settings ?? new Dictionary<string, string>())
    {
        ["Verge:Cluster:Storage"] = "PostgreSql",
        ["Verge:Cluster:ConnectionString"] = connectionString,
        ["Verge:Cluster:ClusterId"] = _clusterId,
        ["Verge:Cluster:ServiceId"] = _clusterId, // grain state is per service: every test cluster starts empty
        ["Verge:DataDirectory"] = _data,
        ["Verge:BootstrapAdminKey"] = GatewayFixture.AdminKey,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Verge"] = "Information",
    };
}

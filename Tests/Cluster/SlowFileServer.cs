using System.Net;

namespace Verge.Orleans.Tests.Cluster;

/// <summary>Serves one file over HTTP on loopback, slowly (a chunk every <c>delay</c>), so a download can be watched and interrupted.</summary>
internal sealed class SlowFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _content;
    private readonly TimeSpan _delay;

    public SlowFileServer(string path, TimeSpan delay)
    {
        _content = File.ReadAllBytes(path);
        _delay = delay;
        var port = Gateway.GatewayFixture.FreePort();
        Url = $"http://127.0.0.1:{port}/model.gguf";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    context.Response.ContentLength64 = _content.Length;
                    for (var offset = 0; offset < _content.Length; offset += 32 * 1024)
                    {
                        await context.Response.OutputStream.WriteAsync(_content.AsMemory(offset, Math.Min(32 * 1024, _content.Length - offset)));
                        await context.Response.OutputStream.FlushAsync();
                        await Task.Delay(_delay);
                    }

                    context.Response.Close();
                }
                catch (Exception)
                {
                    // The downloader went away (a stopped model): nothing to do.
                }
            });
        }
    }
}

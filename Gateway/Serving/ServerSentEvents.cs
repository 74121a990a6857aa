using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Verge.Orleans.Gateway.Serving;

/// <summary>
/// A server-sent event stream, the same for every API family: its headers, its frames (data only, or
/// named events), and how it ends. A failure after the first byte is written as the API's error frame;
/// a client that leaves ends it quietly; the generations behind it are released before the stream's last
/// frame, or in the background after a failure (their worker may be gone).
/// </summary>
internal sealed class ServerSentEvents
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();

    private readonly HttpResponse _response;

    private ServerSentEvents(HttpResponse response, CancellationToken aborted) => (_response, Aborted) = (response, aborted);

    public CancellationToken Aborted { get; }

    /// <param name="write">Writes the stream's frames.</param>
    /// <param name="fail">Writes the API's error frame for a failure after the first byte.</param>
    /// <param name="release">Releases the generations behind the stream.</param>
    /// <param name="last">The frame after everything, even after an error frame (OpenAI's <c>[DONE]</c>); null for none.</param>
    public static async Task RunAsync(
        HttpContext http, Func<ServerSentEvents, Task> write, Func<ServerSentEvents, Exception, Task> fail, Func<Task> release, string? last = null)
    {
        var stream = new ServerSentEvents(http.Response, http.RequestAborted);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var failed = false;
        try
        {
            await write(stream);
        }
        catch (Exception error) when (!stream.Aborted.IsCancellationRequested)
        {
            failed = true;
            await fail(stream, error);
        }
        catch (Exception) when (stream.Aborted.IsCancellationRequested)
        {
            failed = true;
            return;
        }
        finally
        {
            var released = release();
            if (!failed)
            {
                await released;
            }
        }

        if (last is not null)
        {
            await stream.RawAsync(last);
        }
    }

    /// <summary>A <c>data:</c> frame (one per token on the hot path: serialized straight to UTF-8, no string in between).</summary>
    public Task DataAsync<T>(T payload, JsonTypeInfo<T> type) => FrameAsync(null, payload, type);

    /// <summary>An <c>event:</c> and <c>data:</c> frame.</summary>
    public Task EventAsync<T>(string name, T payload, JsonTypeInfo<T> type) => FrameAsync(name, payload, type);

    private async Task FrameAsync<T>(string? name, T payload, JsonTypeInfo<T> type)
    {
        if (name is not null)
        {
            await _response.Body.WriteAsync(Encoding.UTF8.GetBytes("event: " + name + "\n"), Aborted);
        }

        await _response.Body.WriteAsync(DataPrefix, Aborted);
        await _response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(payload, type), Aborted);
        await _response.Body.WriteAsync(FrameEnd, Aborted);
        await _response.Body.FlushAsync(Aborted);
    }

    /// <summary>Frames written as they are, then flushed: the client sees each as soon as it exists.</summary>
    public async Task RawAsync(string frames)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(frames), Aborted);
        await _response.Body.FlushAsync(Aborted);
    }
}

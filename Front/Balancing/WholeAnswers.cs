using System.Net.Http.Headers;
using System.Text.Json;
using Yarp.ReverseProxy.Transforms;

namespace Verge.Orleans.Front.Balancing;

/// <summary>
/// The JSON answer (a generation that is not streamed, an error, a read) to a request that may be sent twice is read
/// whole before any of it goes to the client. A gateway that dies while writing one has then sent the client
/// nothing, and the request is replayed on another gateway (<see cref="ReplayOnAnotherHelper"/>) instead of
/// reaching the client cut short. Only requests whose second run harms nothing are held: reads, and generations
/// that record nothing (no chat session turn, no stored response, no admin change), since a gateway writing its
/// answer has done the work. Streams (<c>text/event-stream</c>) and other bodies go through as they come; a JSON
/// body longer than the bound goes on as a stream once that much is held.
/// </summary>
internal static class WholeAnswers
{
    private const string LostKey = "verge.front.lost-mid-answer";
    private const string RepeatableKey = "verge.front.repeatable";

    // The generations whose second run records nothing, unless they name a chat session.
    private static readonly string[] Generations = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens"];

    /// <summary>
    /// Marks the request as one that may run twice when it is a read, or a generation naming no chat session
    /// (the gateway's <c>X-Session-Id</c> header or a top-level <c>session_id</c> in its buffered JSON body).
    /// </summary>
    public static async Task MarkIfRepeatableAsync(HttpContext context)
    {
        var request = context.Request;
        var repeatable = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || (HttpMethods.IsPost(request.Method) && Generations.Contains(request.Path.Value?.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
                && !request.Headers.ContainsKey("X-Session-Id") && request.Body.CanSeek && !await NamesSessionAsync(request, context.RequestAborted));
        if (repeatable)
        {
            context.Items[RepeatableKey] = true;
        }
    }

    /// <summary>The gateway failed while the front was reading its answer, of which the client got nothing.</summary>
    public static bool LostMidAnswer(HttpContext context) => context.Items.ContainsKey(LostKey);

    /// <summary>Before the request is sent again.</summary>
    public static void Forget(HttpContext context) => context.Items.Remove(LostKey);

    public static async ValueTask ReadAsync(ResponseTransformContext context, long bound)
    {
        if (context.ProxyResponse is not { } response || !IsJson(response.Content.Headers.ContentType)
            || HttpMethods.IsHead(context.HttpContext.Request.Method) || !context.HttpContext.Items.ContainsKey(RepeatableKey)
            || response.Content.Headers.ContentLength > bound)
        {
            return;
        }

        var held = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 0, bound));
        Stream? upstream = null;
        try
        {
            upstream = await response.Content.ReadAsStreamAsync(context.CancellationToken);
            if (await HoldAsync(upstream, held, bound, context.CancellationToken))
            {
                await upstream.DisposeAsync();
                response.Content.Dispose();
                response.Content = new ByteArrayContent(held.GetBuffer(), 0, (int)held.Length);
            }
            else
            {
                held.Position = 0;
                response.Content = new StreamContent(new HeldThenRest(held, upstream));
            }
        }
        catch (Exception error) when ((error is IOException or HttpRequestException) && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Thrown out of a response transform, this is YARP's ResponseHeaders error: a clean 502, nothing sent.
            context.HttpContext.Items[LostKey] = true;
            if (upstream is not null)
            {
                await upstream.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<bool> NamesSessionAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.Body.Position = 0;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("session_id", out _);
        }
        catch (JsonException)
        {
            return false; // the gateway refuses it with 400
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    // Reads until the body ends (true) or more than the bound is held (false).
    private static async Task<bool> HoldAsync(Stream upstream, MemoryStream held, long bound, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (held.Length <= bound)
        {
            var read = await upstream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return true;
            }

            held.Write(buffer, 0, read);
        }

        return false;
    }

    /// <summary>What was held, then the rest of the gateway's body as it comes.</summary>
    private sealed class HeldThenRest(MemoryStream held, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            held.Position < held.Length ? held.Read(buffer, offset, count) : rest.Read(buffer, offset, count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            held.Position < held.Length ? held.Read(buffer.Span) : await rest.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>The chat session a request names: <c>session_id</c> in the body or the <c>X-Session-Id</c> header, in the caller's user's namespace.</summary>
internal static class ChatSessionBinding
{
    public const string Header = "X-Session-Id";

    /// <summary>Null when the request names no session. A header and a body naming different sessions are refused.</summary>
    public static SessionRequest? Of(HttpContext http, ChatRequest request)
    {
        var header = http.Request.Headers.TryGetValue(Header, out var values)
            ? ChatRequestValidator.SessionId(values.Count == 1 ? values[0] : null)
            : null;
        if (header is not null && request.SessionId is not null && header != request.SessionId)
        {
            throw new RequestValidationException($"The {Header} header and 'session_id' name different sessions.", "session_id");
        }

        return (request.SessionId ?? header) is { } id ? new SessionRequest(http.Grant().User, id, request.ChatHistory) : null;
    }
}

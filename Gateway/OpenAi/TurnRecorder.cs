using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>
/// Stores a completed answer as its session's new turn. It runs before the client is told the answer is
/// complete (the JSON response, or a stream's finish chunk), so an answer the client was told is complete
/// is always in its session; if storing fails the client gets an error instead.
/// </summary>
internal sealed class TurnRecorder(IGrainFactory grains, SessionRecording session, string assistant, IReadOnlyList<ChatMessage> messages)
{
    public static TurnRecorder? For(IGrainFactory grains, SessionRecording? session, ChatRequest request) =>
        session is null ? null : new TurnRecorder(grains, session, request.Model, request.Messages);

    public async Task RecordAsync(GenerationSummary summary, string content, string reasoning)
    {
        if (summary.FinishReason == FinishReason.Cancelled)
        {
            return;
        }

        var turn = new ChatTurn
        {
            Messages = NewUserMessages(),
            Answer = content,
            Reasoning = session.StripReasoning ? "" : reasoning,
            Assistant = assistant,
        };
        await grains.GetGrain<IUserSessionsGrain>(ChatSessionKeys.UserSessions(session.User)).AppendAsync(session.SessionId, turn);
    }

    // What the request adds to the conversation: its user messages after the last answer it carries.
    // Client system messages and replayed answers are the client's own context, not new turns.
    private ChatMessage[] NewUserMessages()
    {
        var lastAnswer = messages.Select((m, i) => (m, i)).LastOrDefault(p => p.m.Role == "assistant", (null!, -1)).Item2;
        return messages.Skip(lastAnswer + 1).Where(m => m.Role == "user").ToArray();
    }
}

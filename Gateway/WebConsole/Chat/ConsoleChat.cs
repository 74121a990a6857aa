using System.Runtime.CompilerServices;
using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Identity;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Gateway.WebConsole.Chat;

/// <summary>
/// One console chat turn, on the path <c>/v1/chat/completions</c> takes with a session id: the same
/// runner (limits, fair scheduling, metrics, failover before the first token), the assistant's session
/// history, and the turn stored when the answer completes.
/// </summary>
internal sealed class ConsoleChat(GenerationRunner runner, IGrainFactory grains)
{
    public async IAsyncEnumerable<ChatUpdate> AskAsync(
        ApiKeyGrant grant, string assistant, string sessionId, string prompt, [EnumeratorCancellation] CancellationToken cancellation)
    {
        if (!grant.MayUse(assistant))
        {
            throw ServingException.ModelNotFound(assistant);
        }

        ChatMessage[] messages = [new("user", prompt)];
        var generation = await runner.StartAsync(
            grant, assistant, new GenerationRequest { Messages = messages }, new SessionRequest(grant.User, sessionId, ChatHistory: null),
            "console-" + Guid.NewGuid().ToString("N"), cancellation);
        await using var lease = generation.Lease;
        await using var events = generation.Events;
        var recorder = generation.Session is null ? null : new TurnRecorder(grains, generation.Session, assistant, messages);
        var content = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        while (await events.MoveNextAsync())
        {
            var update = events.Current;
            content.Append(update.Content);
            reasoning.Append(update.Reasoning);
            if (update.Summary is { } summary)
            {
                if (recorder is not null)
                {
                    await recorder.RecordAsync(summary, content.ToString(), reasoning.ToString());
                }

                yield return new ChatUpdate(update.Content, update.Reasoning, summary);
                yield break;
            }

            if (update.Content.Length > 0 || update.Reasoning.Length > 0)
            {
                yield return new ChatUpdate(update.Content, update.Reasoning);
            }
        }
    }
}

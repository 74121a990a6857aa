using Microsoft.AspNetCore.Components;

namespace Verge.Orleans.Gateway.WebConsole;

/// <summary>A page that loads its figures, then loads them again every <see cref="Interval"/> while it is open.</summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closed = new();

    protected virtual TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected abstract Task LoadAsync();

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _ = RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                await InvokeAsync(async () =>
                {
                    try
                    {
                        await LoadAsync();
                        StateHasChanged();
                    }
                    catch (Exception error) when (error is not OperationCanceledException)
                    {
                        // the figures stay as they were until the cluster answers again
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
            // the page was closed
        }
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}

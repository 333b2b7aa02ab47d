<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../gradsim/app/actions.py" line="51"/>
        <location filename="../../gradsim/app/actions.py" line="254"/>
        <source>&amp;Play</source>
        <extracomment>Speed slider positions; delay between steps = 1000 ms · (position / SPEED_STEPS)².</extracomment>
        <translation>运行(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="52"/>
        <source>Play / pause training (Space)</source>
        <translation>开始 / 暂停训练(空格键)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="54"/>
        <source>&amp;Step</source>
        <translation>单步(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="55"/>
        <source>Run exactly one iteration (S)</source>
        <translation>只运行一次迭代 (S)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="57"/>
        <location filename="../../gradsim/app/actions.py" line="263"/>
        <source>&amp;Reset</source>
        <translation>重置(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="58"/>
        <source>Rebuild the model from the controls, applying ↻ fields (R)</source>
        <translation>按控件的设置重建模型,应用 ↻ 字段 (R)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="60"/>
        <source>&amp;Open config…</source>
        <translation>打开配置(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="62"/>
        <source>Load a TOML configuration (validated before anything changes)</source>
        <translation>载入 TOML 配置(先校验,无误才生效)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="63"/>
        <source>Open &amp;run…</source>
        <translation>打开运行(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="64"/>
        <source>Replay a run folder (gradsim run --out, Export → All, a watched model) with a timeline; follow one being written</source>
        <translation>用时间轴回放一个运行文件夹（gradsim run --out、导出 → 全部、被监视的模型）；也可跟随正在写入的文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="66"/>
        <source>&amp;Save config as…</source>
        <translation>配置另存为(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="68"/>
        <source>Save the controls&apos; configuration as TOML</source>
        <translation>把当前控件的配置保存为 TOML</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="69"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="70"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="71"/>
        <source>Export &amp;all to folder…</source>
        <translation>全部导出到文件夹(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="73"/>
        <source>The same files as `gradsim run --out DIR`</source>
        <translation>与 `gradsim run --out DIR` 生成的文件相同</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="74"/>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="76"/>
        <source>Full screen, larger fonts, thicker lines (F11)</source>
        <translation>全屏、更大字体、更粗线条 (F11)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="78"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="79"/>
        <source>List the shortcuts</source>
        <translation>列出快捷键</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="80"/>
        <source>&amp;About gradsim</source>
        <translation>关于 gradsim(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="119"/>
        <location filename="../../gradsim/app/actions.py" line="173"/>
        <source>Data (CSV)…</source>
        <translation>数据 (CSV)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="120"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="121"/>
        <source> speed </source>
        <translation> 速度 </translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="122"/>
        <source> preset </source>
        <translation> 预设 </translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="123"/>
        <source>Delay between steps: left = flat out, right = 1 s (for explaining)</source>
        <translation>每步之间的延迟:最左 = 全速,最右 = 1 秒(便于讲解)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="124"/>
        <location filename="../../gradsim/app/actions.py" line="225"/>
        <source>(custom)</source>
        <translation>(自定义)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="145"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="149"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="151"/>
        <source>Pre&amp;sets</source>
        <translation>预设(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="165"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="178"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="180"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="191"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="235"/>
        <source>flat out</source>
        <translation>全速</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="236"/>
        <source>%1 ms/step</source>
        <translation>%1 毫秒/步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="254"/>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/actions.py" line="262"/>
        <source>&amp;Reset (%1 pending)</source>
        <translation>重置(&amp;R)(%1 项待应用)</translation>
    </message>
</context>
<context>
    <name>AnalysisActions</name>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="70"/>
        <source>Export failed</source>
        <extracomment>PNGs at twice the on-screen size: crisp on slides (as the main window&apos;s exports).</extracomment>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="88"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="211"/>
        <source>&amp;Compare runs…</source>
        <translation>对比运行(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="89"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="212"/>
        <source>Train the current run (A) and a variant (B) in lockstep, side by side</source>
        <translation>同步训练当前运行 (A) 与一个变体 (B),并排显示</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="90"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="213"/>
        <source>The &amp;cliff (Pascanu 2013)</source>
        <translation>悬崖(&amp;C)(Pascanu 2013)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="91"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="214"/>
        <source>Gradient descent on a one-unit RNN&apos;s error surface, with and without clipping</source>
        <translation>单单元 RNN 误差曲面上的梯度下降,对比有无梯度裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="93"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="215"/>
        <source>&amp;Sweep…</source>
        <translation>扫描(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="94"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="216"/>
        <source>Open a sweep folder: its phase diagram; a click loads that run</source>
        <translation>打开一个扫描文件夹：显示其相图；点击某个格子即载入该次训练</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="95"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="217"/>
        <source>&amp;Animation (GIF/MP4)…</source>
        <translation>动画(&amp;A)(GIF/MP4)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="96"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="218"/>
        <source>The heatmap, loss and profile evolving over this run</source>
        <translation>热力图、损失和梯度剖面在本次运行中的演变</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="97"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="219"/>
        <source>&amp;Report (HTML/PDF)…</source>
        <translation>报告(&amp;R)(HTML/PDF)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="98"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="220"/>
        <source>One file with the config, every plot, the summary numbers, the versions</source>
        <translation>一个文件,包含配置、所有图表、汇总数值和版本信息</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="127"/>
        <location filename="../../gradsim/app/analysis_actions.py" line="226"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/analysis_actions.py" line="171"/>
        <source>Cannot compare</source>
        <translation>无法对比</translation>
    </message>
</context>
<context>
    <name>Backend</name>
    <message>
        <location filename="../../gradsim/app/worker.py" line="146"/>
        <source>the training process was killed (SIGKILL), most likely because it ran out of memory: choose a smaller hidden size, sequence length or batch size and press Reset</source>
        <extracomment>Chosen by benchmarks/bench_gui.py (figures in its docstring): with the window up, a thread kept 72 % of headless steps/s (the GUI holds the GIL ~30 % of the time), a process 86 %, and the GUI process then needs only ~23 % of a core.</extracomment>
        <translation>训练进程被终止（SIGKILL），很可能是内存不足：请选用更小的隐藏层大小、序列长度或批大小，然后按“重置”</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/worker.py" line="154"/>
        <source>the training process was killed by signal %1</source>
        <translation>训练进程被信号 %1 终止</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/worker.py" line="157"/>
        <source>the training process ended unexpectedly (exit code %1)</source>
        <translation>训练进程意外结束（退出码 %1）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/worker.py" line="159"/>
        <source>the training process ended unexpectedly</source>
        <translation>训练进程意外结束</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../gradsim/app/window.py" line="73"/>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="74"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="75"/>
        <source>Hide this message</source>
        <translation>隐藏此消息</translation>
    </message>
</context>
<context>
    <name>Busy</name>
    <message>
        <location filename="../../gradsim/app/busy.py" line="40"/>
        <location filename="../../gradsim/app/busy.py" line="42"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/busy.py" line="43"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/busy.py" line="49"/>
        <source>training… the first iteration takes ~%1 (estimate)</source>
        <translation>训练中… 第一次迭代约需 %1(估计)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/busy.py" line="51"/>
        <source>training… one iteration takes ~%1</source>
        <translation>训练中… 每次迭代约需 %1</translation>
    </message>
</context>
<context>
    <name>CliffWindow</name>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="35"/>
        <source>no clipping</source>
        <extracomment>Clip mode -&gt; the path&apos;s name (the keys of :data:`gradsim.figures.cliff.PATH_STYLES`).</extracomment>
        <translation>不裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="36"/>
        <source>clip by norm</source>
        <translation>按范数裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="37"/>
        <source>clip by value</source>
        <translation>按值裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="119"/>
        <source>gradsim — the cliff (Pascanu, Mikolov &amp; Bengio 2013)</source>
        <extracomment>Play stops here: by then every path has settled (or left the frame).</extracomment>
        <translation>gradsim — 悬崖(Pascanu、Mikolov 与 Bengio,2013)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="121"/>
        <source>A one-unit RNN x&lt;sub&gt;t&lt;/sub&gt; = w·σ(x&lt;sub&gt;t−1&lt;/sub&gt;) + b, x&lt;sub&gt;0&lt;/sub&gt; = 0.5, trained to σ(x&lt;sub&gt;50&lt;/sub&gt;) = 0.7. Its error surface has a &lt;b&gt;cliff&lt;/b&gt;: a wall where E drops between flat plateaus and the gradient is huge. All paths start at the star and agree until they reach the wall; there the plain step (red) is thrown off the picture, while clipping by norm keeps the step at lr · threshold and descent goes on. Clipping by value bounds the step too, but turns its direction.</source>
        <translation>单单元 RNN x&lt;sub&gt;t&lt;/sub&gt; = w·σ(x&lt;sub&gt;t−1&lt;/sub&gt;) + b,x&lt;sub&gt;0&lt;/sub&gt; = 0.5,训练目标为 σ(x&lt;sub&gt;50&lt;/sub&gt;) = 0.7。它的误差曲面上有一道&lt;b&gt;悬崖&lt;/b&gt;:在两片平坦区域之间 E 陡然下降,那里的梯度极大。所有路径都从星号出发,在到达悬崖之前完全一致;到了悬崖处,不加处理的一步(红色)被甩出画面,而按范数裁剪把步长限制在 lr · 阈值,下降得以继续。按值裁剪同样限制了步长,但会改变它的方向。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="127"/>
        <source>Learning rate, &gt; 0</source>
        <translation>学习率,&gt; 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="128"/>
        <source>Clipping threshold, &gt; 0</source>
        <translation>裁剪阈值,&gt; 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="131"/>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="134"/>
        <location filename="../../gradsim/app/cliff_window.py" line="204"/>
        <source>Play</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="131"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="132"/>
        <source>Export figure…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="135"/>
        <source>lr</source>
        <translation>lr</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="136"/>
        <location filename="../../gradsim/app/cliff_window.py" line="165"/>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="137"/>
        <source>w (recurrent weight)</source>
        <translation>w(循环权重)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="137"/>
        <source>b (bias)</source>
        <translation>b(偏置)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="138"/>
        <source>Error surface E = (σ(x&lt;sub&gt;50&lt;/sub&gt;) − 0.7)²,   x&lt;sub&gt;t&lt;/sub&gt; = w·σ(x&lt;sub&gt;t−1&lt;/sub&gt;) + b,   x&lt;sub&gt;0&lt;/sub&gt; = 0.5</source>
        <translation>误差曲面 E = (σ(x&lt;sub&gt;50&lt;/sub&gt;) − 0.7)²,   x&lt;sub&gt;t&lt;/sub&gt; = w·σ(x&lt;sub&gt;t−1&lt;/sub&gt;) + b,   x&lt;sub&gt;0&lt;/sub&gt; = 0.5</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="155"/>
        <source>{name} = {text!r}: not a number</source>
        <translation>{name} = {text!r}:不是数字</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="157"/>
        <source>{name} = {v:g}: must be &gt; 0 and ≤ 100</source>
        <translation>{name} = {v:g}:必须 &gt; 0 且 ≤ 100</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="134"/>
        <location filename="../../gradsim/app/cliff_window.py" line="204"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="220"/>
        <source>{name}: at the start, E = {E:.3g}</source>
        <translation>{name}:起点,E = {E:.3g}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="225"/>
        <source> — left the frame</source>
        <translation> — 已飞出画面</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="226"/>
        <source>{name}: step {n}, E = {E:.3g}, last step {last:.3g}, longest step {big:.3g}{where}</source>
        <translation>{name}:第 {n} 步,E = {E:.3g},最近一步步长 {last:.3g},最长一步 {big:.3g}{where}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/cliff_window.py" line="249"/>
        <source>Export the cliff figure</source>
        <translation>导出悬崖图</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="96"/>
        <source>Compare runs</source>
        <translation>对比运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="100"/>
        <source>Run A is the current configuration. Run B is A with the changes below; both train from the same seed on the same data batches, in lockstep.</source>
        <translation>运行 A 使用当前配置。运行 B 是在 A 的基础上做下面的改动;两者使用相同的随机种子和相同的数据批次,同步训练。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="107"/>
        <source>key=value pairs, separated by commas, e.g. clip=norm, clip_threshold=0.5</source>
        <translation>key=value 形式,用逗号分隔,例如 clip=norm, clip_threshold=0.5</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="109"/>
        <source>(examples)</source>
        <translation>(示例)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="116"/>
        <source>B = A with:</source>
        <translation>B = A 加上:</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="120"/>
        <source>Iterations to train both runs</source>
        <translation>两个运行各训练的迭代次数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="121"/>
        <source>Iterations:</source>
        <translation>迭代次数:</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="81"/>
        <source>give at least one change for run B, e.g. clip=norm</source>
        <extracomment>Figure redraw interval (ms): the loss plot is rebuilt on every redraw. Ready-made B changes offered in the dialog (the user may type any).</extracomment>
        <translation>请为运行 B 至少给出一项改动,例如 clip=norm</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="235"/>
        <source>gradsim — compare runs</source>
        <extracomment>The colour levels fixed up front (log10 low, high), or None: a range that only grows. The levels both heatmaps were last drawn with. ``process`` (a child process, the default) or ``thread`` (a thread of this process: no start-up cost, but slow beside the GUI; for tests), as $GRADSIM_BACKEND says.</extracomment>
        <translation>gradsim — 对比运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="434"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="236"/>
        <source>Export figure…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="338"/>
        <source>Comparison stopped</source>
        <translation>对比已停止</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="239"/>
        <source>Training loss (same seed, same data batches)</source>
        <translation>训练损失(相同随机种子、相同数据批次)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="238"/>
        <location filename="../../gradsim/app/compare_window.py" line="242"/>
        <source>iteration</source>
        <translation>迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="238"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="242"/>
        <source>time step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="243"/>
        <source>exact 0</source>
        <translation>恰好为 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="410"/>
        <source>{run} diverged at step {step}</source>
        <translation>{run} 在第 {step} 步发散</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="417"/>
        <source>A/B comparison — {a}  vs  {b}   (one colour scale: log10 {lo:.1f} … {hi:.1f})</source>
        <translation>A/B 对比 — {a}  vs  {b}   (统一色标:log10 {lo:.1f} … {hi:.1f})</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="421"/>
        <source>; {percent} of the values lie beyond it, drawn in its end colours</source>
        <translation>；{percent} 的数值超出此范围，以两端的颜色绘制</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="427"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="427"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="428"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="428"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="432"/>
        <source>iteration {a} of {n} (A) / {b} (B): {state}</source>
        <translation>迭代 {a}/{n} (A) / {b} (B):{state}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="434"/>
        <source>Play</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="472"/>
        <source>Export comparison figure</source>
        <translation>导出对比图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/compare_window.py" line="497"/>
        <source>the comparison process ended unexpectedly</source>
        <translation>对比进程意外结束</translation>
    </message>
</context>
<context>
    <name>ConfigPanel</name>
    <message>
        <location filename="../../gradsim/app/controls.py" line="50"/>
        <source>allowed: %1</source>
        <translation>允许:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="51"/>
        <source>default: %1</source>
        <translation>默认:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="53"/>
        <source>↻ applies on reset (changes the model&apos;s shape, its initial weights or the data)</source>
        <translation>↻ 重置后生效(改变模型结构、初始权重或数据)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="56"/>
        <source>applies at the next step</source>
        <translation>下一步生效</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="224"/>
        <source>%1 = %2: applies on reset (R)</source>
        <translation>%1 = %2:重置后生效 (R)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="225"/>
        <source>%1 = %2: applies at the next step</source>
        <translation>%1 = %2:下一步生效</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="235"/>
        <source>Not applied: %1</source>
        <translation>未应用:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="277"/>
        <source>Read %1</source>
        <translation>已读取 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/controls.py" line="296"/>
        <source>↻ applies on reset (R)</source>
        <translation>↻ 重置后生效 (R)</translation>
    </message>
</context>
<context>
    <name>ConfigText</name>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="133"/>
        <source>one of %1</source>
        <extracomment>Language code -&gt; its name in that language (View → Language shows these). QSettings key of the chosen language (&quot;en&quot; / &quot;zh&quot;); the lecture panel reads it too.</extracomment>
        <translation>以下之一:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="135"/>
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="137"/>
        <source>a text</source>
        <translation>一段文字</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="143"/>
        <source> and </source>
        <translation> 且 </translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="145"/>
        <source>an integer %1</source>
        <translation>整数,%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="145"/>
        <source>an integer</source>
        <translation>整数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="147"/>
        <source>a number %1</source>
        <translation>数值,%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="147"/>
        <source>a number</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="150"/>
        <source>%1, or none</source>
        <translation>%1,或 none</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="62"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="90"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="92"/>
        <source>The app keeps running; details below.</source>
        <translation>程序仍在运行;详情见下方。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="385"/>
        <source>Permission denied</source>
        <translation>权限不足</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="386"/>
        <source>No such file or directory</source>
        <translation>文件或文件夹不存在</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="387"/>
        <source>Is a directory</source>
        <translation>这是一个文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="388"/>
        <source>Not a directory</source>
        <translation>路径中有一项不是文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="389"/>
        <source>No space left on device</source>
        <translation>磁盘空间不足</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="390"/>
        <source>Read-only file system</source>
        <translation>文件系统只读</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="391"/>
        <source>File name too long</source>
        <translation>文件名过长</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="392"/>
        <source>Disk quota exceeded</source>
        <translation>超出磁盘配额</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="393"/>
        <source>File exists</source>
        <translation>文件已存在</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="394"/>
        <source>Operation not permitted</source>
        <translation>不允许此操作</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="395"/>
        <source>Input/output error</source>
        <translation>输入/输出错误</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="396"/>
        <source>is a folder</source>
        <translation>这是一个文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="397"/>
        <source>no frames</source>
        <translation>没有帧</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="398"/>
        <source>Qt could not open the output for painting</source>
        <translation>Qt 无法打开输出文件进行绘制</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="399"/>
        <source>Qt could not open the PDF for painting</source>
        <translation>Qt 无法打开 PDF 进行绘制</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="400"/>
        <source>Qt failed to write the PNG</source>
        <translation>Qt 写入 PNG 失败</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="401"/>
        <source>Qt wrote an empty file</source>
        <translation>Qt 写出了空文件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="402"/>
        <source>Qt wrote an empty PDF</source>
        <translation>Qt 写出了空的 PDF</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="403"/>
        <source>the encoder wrote an empty file</source>
        <translation>编码器写出了空文件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="404"/>
        <source>no steps (add at least one [[step]] table)</source>
        <translation>没有步骤(请至少添加一个 [[step]] 表)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="405"/>
        <source>must be a table ([[step]])</source>
        <translation>必须是一个表([[step]])</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="200"/>
        <source>cannot read config file %1: %2</source>
        <translation>无法读取配置文件 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="203"/>
        <source>cannot read lecture %1: %2</source>
        <translation>无法读取讲稿 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="201"/>
        <source>config file %1 is not valid TOML: %2</source>
        <translation>配置文件 %1 不是有效的 TOML:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="204"/>
        <source>lecture %1 is not valid TOML: %2</source>
        <translation>讲稿 %1 不是有效的 TOML:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="202"/>
        <source>config file %1: %2</source>
        <translation>配置文件 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="378"/>
        <source>cannot export figure to %1: %2</source>
        <translation>无法将图表导出到 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="377"/>
        <source>cannot write animation %1: %2</source>
        <translation>无法写入动画 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="269"/>
        <source>device = &apos;cuda&apos;: CUDA is not available on this machine (use cpu or auto)</source>
        <translation>device = &apos;cuda&apos;:这台机器上没有可用的 CUDA(请使用 cpu 或 auto)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="370"/>
        <source>A/B comparison: field %1 must match, because both runs train on the same seed and data batches (A: %2; B: %3)</source>
        <translation>A/B 对比:字段 %1 必须相同,因为两次运行使用相同的随机种子和数据批次(A:%2;B:%3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="372"/>
        <source>A/B comparison: fields %1 must match, because both runs train on the same seed and data batches (A: %2; B: %3)</source>
        <translation>A/B 对比:字段 %1 必须相同,因为两次运行使用相同的随机种子和数据批次(A:%2;B:%3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="376"/>
        <source>cannot write report %1: %2</source>
        <translation>无法写入报告 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="379"/>
        <source>cannot write to output folder %1: %2</source>
        <translation>无法写入输出文件夹 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="375"/>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="380"/>
        <source>unknown format %1; use %2</source>
        <translation>未知格式 %1;请使用 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="381"/>
        <source>ffmpeg could not start (%1)</source>
        <translation>ffmpeg 无法启动(%1)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="224"/>
        <source>lecture %1, step %2: %3</source>
        <translation>讲稿 %1,第 %2 步:%3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="194"/>
        <source>%1 = %2: must be %3 (%4)</source>
        <extracomment>Old name, kept for the callers that format config errors. Every template and reason of the core&apos;s errors, for lupdate (context &quot;Errors&quot;). A test checks that each Message template in the Qt-free packages is listed here.</extracomment>
        <translation>%1 = %2:必须是%3(%4)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="195"/>
        <source>%1: unknown field (known: %2)</source>
        <translation>%1:未知字段(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="196"/>
        <source>unknown fields %1 (known: %2)</source>
        <translation>未知字段 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="197"/>
        <source>tbptt = %1: must be 0 or between 1 and seq_len (%2)</source>
        <translation>tbptt = %1:必须为 0,或在 1 到 seq_len (%2) 之间</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="198"/>
        <source>norm = batch: needs batch_size ≥ 2 (batch statistics of one sequence are undefined)</source>
        <translation>norm = batch:需要 batch_size ≥ 2(单个序列的批统计量没有定义)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="199"/>
        <source>--set %1: expected key=value</source>
        <translation>--set %1:应为 key=value</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="205"/>
        <source>cannot read grid file %1: %2</source>
        <translation>无法读取网格文件 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="206"/>
        <source>grid file %1 is not valid TOML: %2</source>
        <translation>网格文件 %1 不是有效的 TOML:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="207"/>
        <source>%1 = %2 has no effect with %3 = %4</source>
        <translation>%1 = %2 在 %3 = %4 时不起作用</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="208"/>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="209"/>
        <source>larger than 1 MiB</source>
        <translation>大于 1 MiB</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="210"/>
        <source>arrays or tables nested too deeply</source>
        <translation>数组或表嵌套过深</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="211"/>
        <source>an integer with too many digits</source>
        <translation>整数位数过多</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="213"/>
        <source>this run needs about %1 of memory but %2 is available (lower batch_size, seq_len or hidden_size)</source>
        <translation>此次运行约需 %1 内存，但只有 %2 可用（请减小 batch_size、seq_len 或 hidden_size）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="215"/>
        <source>this run needs about %1 of GPU memory but %2 is free (lower batch_size, seq_len or hidden_size)</source>
        <translation>此次运行约需 %1 GPU 显存，但只有 %2 空闲（请减小 batch_size、seq_len 或 hidden_size）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="218"/>
        <source>no folder given</source>
        <translation>未指定文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="219"/>
        <source>not a folder</source>
        <translation>不是文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="220"/>
        <source>holds files that are not a gradsim run (choose an empty or new folder)</source>
        <translation>包含不属于 gradsim 运行结果的文件（请选择空文件夹或新文件夹）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="222"/>
        <source>unknown preset %1 (known: %2)</source>
        <translation>未知预设 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="223"/>
        <source>preset %1: %2</source>
        <translation>预设 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="225"/>
        <source>lecture %1: %2</source>
        <translation>讲稿 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="227"/>
        <source>%1 is not an expression (a string such as &quot;rho&quot; or &quot;last_ratio(0, -1)&quot;)</source>
        <translation>%1 不是表达式（应为字符串，例如 &quot;rho&quot; 或 &quot;last_ratio(0, -1)&quot;）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="228"/>
        <source>unknown quantity %1 (known: %2)</source>
        <translation>未知的量 %1（已知：%2）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="229"/>
        <source>%1: %2 takes %3 arguments, not %4</source>
        <translation>%1：%2 需要 %3 个参数，而不是 %4 个</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="230"/>
        <source>%1 is text, not a number: use it in a placeholder, not in an expectation</source>
        <translation>%1 是文本而不是数值：只能用在占位符中，不能用在预期中</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="231"/>
        <source>%1 = %2: must be a finite number</source>
        <translation>%1 = %2：必须是有限的数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="232"/>
        <source>%1 = %2: must be an iteration (an integer, 0 or more)</source>
        <translation>%1 = %2：必须是迭代序号（0 或更大的整数）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="233"/>
        <source>%1 = %2: the step stops after %3 iterations, so iteration %2 never comes</source>
        <translation>%1 = %2：该步在 %3 次迭代后停止，第 %2 次迭代永远不会到来</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="234"/>
        <source>must be a table ([[step.expect]] with what = … and below = … or above = …)</source>
        <translation>必须是一个表（[[step.expect]]，包含 what = … 以及 below = … 或 above = …）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="235"/>
        <source>missing field &apos;what&apos; (an expression such as &quot;rho&quot;)</source>
        <translation>缺少字段 &apos;what&apos;（一个表达式，例如 &quot;rho&quot;）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="236"/>
        <source>field &apos;what&apos; = %1: write the iteration as at = N, not with @</source>
        <translation>字段 &apos;what&apos; = %1：迭代序号请写成 at = N，不要用 @</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="237"/>
        <source>needs below = … or above = … (or both)</source>
        <translation>需要 below = … 或 above = …（或两者都有）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="238"/>
        <source>above = %1 is not less than below = %2: nothing could pass</source>
        <translation>above = %1 不小于 below = %2：任何值都无法通过</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="239"/>
        <source>give at = N (checked at iteration N) or by = N (held at some iteration up to N), not both</source>
        <translation>请给出 at = N（在第 N 次迭代检查）或 by = N（在第 N 次迭代之前某次成立），不能两者都给</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="240"/>
        <source>field &apos;expect&apos; must be a list of tables ([[step.expect]]), not %1</source>
        <translation>字段 &apos;expect&apos; 必须是表的列表（[[step.expect]]），而不是 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="241"/>
        <source>%1: argument %2 is not an integer</source>
        <translation>%1：参数 %2 不是整数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="242"/>
        <source>%1: the iteration after @ must be 0 or more</source>
        <translation>%1：@ 后面的迭代序号必须是 0 或更大</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="243"/>
        <source>field &apos;what&apos;: %1</source>
        <translation>字段 &apos;what&apos;：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="244"/>
        <source>field &apos;say&apos; must be a table with a text for each of %1</source>
        <translation>字段 &apos;say&apos; 必须是一个表，为 %1 各给一段文字</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="245"/>
        <source>expectation %1: %2</source>
        <translation>预期 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="246"/>
        <source>placeholder %1: bad format %2 (use .N for N significant digits, or a Python format such as .3f)</source>
        <translation>占位符 %1：格式 %2 无效（用 .N 表示 N 位有效数字，或用 Python 格式，例如 .3f）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="247"/>
        <source>field %1 (%2): %3</source>
        <translation>字段 %1（%2）：%3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="248"/>
        <source>missing field %1 (a table %2)</source>
        <translation>缺少字段 %1(应为表 %2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="249"/>
        <source>field %1 must be a table %2, not %3</source>
        <translation>字段 %1 必须是表 %2,而不是 %3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="250"/>
        <source>field %1: unknown language %2 (expected %3)</source>
        <translation>字段 %1:未知语言 %2(应为 %3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="251"/>
        <source>field %1: missing or empty %2 text (every text needs %3)</source>
        <translation>字段 %1:缺少 %2 文本或为空(每段文本都需要 %3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="252"/>
        <source>unknown top-level field %1 (known: %2)</source>
        <translation>未知的顶层字段 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="253"/>
        <source>unknown field %1 (known: %2)</source>
        <translation>未知字段 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="254"/>
        <source>field &apos;preset&apos; is missing or not a string (known: %1)</source>
        <translation>字段 &apos;preset&apos; 缺失或不是字符串(已知:%1)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="255"/>
        <source>field &apos;preset&apos;: unknown preset %1 (known: %2)</source>
        <translation>字段 &apos;preset&apos;:未知预设 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="256"/>
        <source>field &apos;set&apos; must be a table {field = value}, not %1</source>
        <translation>字段 &apos;set&apos; 必须是表 {字段 = 值},而不是 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="257"/>
        <source>field &apos;set&apos;: %1</source>
        <translation>字段 &apos;set&apos;:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="258"/>
        <source>field &apos;view&apos; = %1: must be one of %2</source>
        <translation>字段 &apos;view&apos; = %1:必须是以下之一:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="259"/>
        <source>field &apos;stop_at&apos; = %1: must be an integer from 1 to %2</source>
        <translation>字段 &apos;stop_at&apos; = %1:必须是 1 到 %2 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="260"/>
        <source>field &apos;delay&apos; = %1: must be a number of seconds from 0 to 1</source>
        <translation>字段 &apos;delay&apos; = %1:必须是 0 到 1 之间的秒数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="261"/>
        <source>field &apos;play&apos; = %1: must be true or false</source>
        <translation>字段 &apos;play&apos; = %1:必须是 true 或 false</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="262"/>
        <source>field &apos;hide&apos; must be a list of control names, not %1</source>
        <translation>字段 &apos;hide&apos; 必须是控件名称的列表,而不是 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="263"/>
        <source>field &apos;hide&apos;: unknown control %1 (known: %2)</source>
        <translation>字段 &apos;hide&apos;:未知控件 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="264"/>
        <source>field &apos;plots&apos; must be a list of plot names (%1), not %2</source>
        <translation>字段 &apos;plots&apos; 必须是图名称的列表(%1),而不是 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="265"/>
        <source>field &apos;plots&apos;: unknown plot %1 (known: %2)</source>
        <translation>字段 &apos;plots&apos;:未知的图 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="266"/>
        <source>field &apos;levels&apos; = %1: must be [low, high], log10 of the gradient norm, finite, low &lt; high, from %2 to %3 (or &quot;data&quot;: follow the data)</source>
        <translation>字段 &apos;levels&apos; = %1:必须是 [low, high],即梯度范数的 log10,为有限数,low &lt; high,范围 %2 到 %3(或 &quot;data&quot;:跟随数据)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="271"/>
        <source>the shipped sample</source>
        <translation>随附的示例数据</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="272"/>
        <source>csv_path = %1: UTF-16 text, not UTF-8 (save the CSV as UTF-8)</source>
        <translation>csv_path = %1:这是 UTF-16 文本,不是 UTF-8(请将 CSV 另存为 UTF-8)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="273"/>
        <source>csv_path = %1: line %2 holds a NUL byte: a binary file, not CSV text (save the CSV as UTF-8 text)</source>
        <translation>csv_path = %1:第 %2 行含有 NUL 字节:这是二进制文件,不是 CSV 文本(请将 CSV 另存为 UTF-8 文本)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="275"/>
        <source>csv_path = %1: the file has no rows</source>
        <translation>csv_path = %1:文件中没有任何行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="276"/>
        <source>csv_target = %1: name one column</source>
        <translation>csv_target = %1:只能指定一列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="277"/>
        <source>csv_horizon = 0: the target %1 is also an input, so predicting it at the same row is copying it (use csv_horizon ≥ 1, or a target that is not an input)</source>
        <translation>csv_horizon = 0:目标 %1 也是输入,在同一行预测它等于照抄(请使用 csv_horizon ≥ 1,或选择不是输入的目标列)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="279"/>
        <source>csv_path = %1: %2 has %3 data rows; seq_len = %4 with csv_horizon = %5 needs at least %6 (lower seq_len or use a longer series)</source>
        <translation>csv_path = %1:%2 只有 %3 行数据;seq_len = %4 且 csv_horizon = %5 时至少需要 %6 行(请减小 seq_len 或使用更长的序列)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="281"/>
        <source>csv_path = %1: no such file</source>
        <translation>csv_path = %1:文件不存在</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="282"/>
        <source>csv_path = %1: is a folder, not a CSV file</source>
        <translation>csv_path = %1:这是一个文件夹,不是 CSV 文件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="283"/>
        <source>csv_path = %1: cannot read it: %2</source>
        <translation>csv_path = %1:无法读取:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="284"/>
        <source>csv_path = %1: not a regular file (a named pipe or a device is not read)</source>
        <translation>csv_path = %1:不是普通文件(不读取命名管道或设备)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="285"/>
        <source>csv_path = %1: larger than %2, the most the csv task reads</source>
        <translation>csv_path = %1:文件大于 %2,超出 csv 任务可读取的上限</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="286"/>
        <source>csv_path = %1: line %2 is not UTF-8 text (save the CSV as UTF-8)</source>
        <translation>csv_path = %1:第 %2 行不是 UTF-8 文本(请将 CSV 另存为 UTF-8)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="287"/>
        <source>csv_path = %1: line %2 is not valid CSV: %3</source>
        <translation>csv_path = %1:第 %2 行不是有效的 CSV:%3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="288"/>
        <source>csv_path = %1: %2 has a header row and no data rows</source>
        <translation>csv_path = %1:%2 只有表头行,没有数据行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="289"/>
        <source>csv_path = %1: line %2 has %3 fields, the header %4</source>
        <translation>csv_path = %1:第 %2 行有 %3 个字段,而表头有 %4 个</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="290"/>
        <source>%1 = %2: column %3 of %4 is not numeric (%5)</source>
        <translation>%1 = %2:%4 的列 %3 不是数值列(%5)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="291"/>
        <source>csv_path = %1: %2 has no numeric column</source>
        <translation>csv_path = %1:%2 中没有数值列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="292"/>
        <source>csv_columns = %1: no input column</source>
        <translation>csv_columns = %1:没有输入列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="293"/>
        <source>%1 = %2: no column %3 in %4 (columns: %5)</source>
        <translation>%1 = %2:%4 中没有列 %3(现有列:%5)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="294"/>
        <source>csv_path = %1: line %2 has a cell longer than %3 characters</source>
        <translation>csv_path = %1:第 %2 行有一个单元格超过 %3 个字符</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="295"/>
        <source>line %1 has %2</source>
        <translation>第 %1 行为 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="296"/>
        <source>line %1 has %2, not a finite number</source>
        <translation>第 %1 行为 %2,不是有限数值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="297"/>
        <source>csv_path = %1: line %2 has %3 fields, more than the %4 columns the csv task reads</source>
        <translation>csv_path = %1:第 %2 行有 %3 个字段,超过 csv 任务可读取的 %4 列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="298"/>
        <source>line %1 has an empty cell</source>
        <translation>第 %1 行有空单元格</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="299"/>
        <source>csv_path = %1: column %2 of %3 mixes numbers with other cells (%4); fix the file, or choose the input columns with csv_columns</source>
        <translation>csv_path = %1:%3 的列 %2 中数值与其他内容混杂(%4);请修正文件,或用 csv_columns 指定输入列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="302"/>
        <source>[axes] %1: the range has %2 values, more than %3</source>
        <translation>[axes] %1:该范围有 %2 个值,超过上限 %3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="303"/>
        <source>[axes] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level</source>
        <translation>[axes] seed:请在顶层用 `seeds = N` 或 `seeds = [...]` 指定随机种子</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="304"/>
        <source>[base]: give preset or config, not both</source>
        <translation>[base]:请给出 preset 或 config,不能同时给出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="305"/>
        <source>[base] seed: give the seeds with `seeds = N` or `seeds = [...]` at the top level</source>
        <translation>[base] seed:请在顶层用 `seeds = N` 或 `seeds = [...]` 指定随机种子</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="306"/>
        <source>[axes]: give at least one axis, e.g. init_gain = { log = [0.25, 4.0], num = 9 }</source>
        <translation>[axes]:请至少给出一个轴,例如 init_gain = { log = [0.25, 4.0], num = 9 }</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="307"/>
        <source>--x and --y are both %1: give two different axes</source>
        <translation>--x 和 --y 都是 %1:请给出两个不同的轴</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="308"/>
        <source>--metric %1: unknown (known: %2)</source>
        <translation>--metric %1:未知指标(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="309"/>
        <source>[axes] %1: %2 = %3: must be two numbers [a, b]</source>
        <translation>[axes] %1:%2 = %3:必须是两个数 [a, b]</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="310"/>
        <source>[axes] %1: unknown field (known: %2)</source>
        <translation>[axes] %1:未知字段(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="311"/>
        <source>[axes] %1: no values</source>
        <translation>[axes] %1:没有任何取值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="312"/>
        <source>unknown keys %1 (known: %2)</source>
        <translation>未知键 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="313"/>
        <source>[base]: %1</source>
        <translation>[base]:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="314"/>
        <source>steps = %1: must be an integer from 1 to %2</source>
        <translation>steps = %1:必须是 1 到 %2 之间的整数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="315"/>
        <source>the grid has %1 runs (points × seeds), more than %2</source>
        <translation>该网格有 %1 次运行(网格点 × 种子数),超过上限 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="316"/>
        <source>[metrics]: unknown key %1 (known: reach_fraction, learned_below, tail)</source>
        <translation>[metrics]:未知键 %1(已知:reach_fraction、learned_below、tail)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="317"/>
        <source>[plot]: unknown key %1 (known: metric, x, y)</source>
        <translation>[plot]:未知键 %1(已知:metric、x、y)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="318"/>
        <source>[plot] metric = %1: unknown (known: %2)</source>
        <translation>[plot] metric = %1:未知指标(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="319"/>
        <source>grid file %1: %2</source>
        <translation>网格文件 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="320"/>
        <source>cannot read sweep table %1: %2</source>
        <translation>无法读取扫描结果表 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="321"/>
        <source>--%1 %2: not an axis of this sweep (axes: %3)</source>
        <translation>--%1 %2:不是此次扫描的轴(现有轴:%3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="322"/>
        <source>[axes] %1: %2 = %3: both ends must be finite numbers</source>
        <translation>[axes] %1:%2 = %3:两端都必须是有限数值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="323"/>
        <source>[axes] %1: %2 values, more than %3</source>
        <translation>[axes] %1:有 %2 个值,超过上限 %3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="324"/>
        <source>[axes] %1 = %2: give a list of values or a range table</source>
        <translation>[axes] %1 = %2:请给出取值列表或范围表</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="325"/>
        <source>unknown key %1 (known: %2)</source>
        <translation>未知键 %1(已知:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="326"/>
        <source>%1 = %2: must be a table ([%1])</source>
        <translation>%1 = %2:必须是一个表([%1])</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="327"/>
        <source>[base] %1 = %2: must be a name (a non-empty string)</source>
        <translation>[base] %1 = %2:必须是一个名称(非空字符串)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="328"/>
        <source>seeds = %1: must be an integer from 1 to %2 or a list of seeds</source>
        <translation>seeds = %1:必须是 1 到 %2 之间的整数,或随机种子列表</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="329"/>
        <source>seeds = %1: must be an integer ≥ 1 or a list of seeds (integers from 0 to %2)</source>
        <translation>seeds = %1:必须是 ≥ 1 的整数,或随机种子列表(0 到 %2 之间的整数)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="330"/>
        <source>[plot] %1 = %2: not an axis of this grid (axes: %3)</source>
        <translation>[plot] %1 = %2:不是此网格的轴(现有轴:%3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="331"/>
        <source>grid %1: no such file or shipped grid (shipped: %2)</source>
        <translation>网格 %1:没有这个文件,也没有这个随附网格(随附网格:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="332"/>
        <source>shipped grid %1: %2</source>
        <translation>随附网格 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="333"/>
        <source>--scheduler: Dask is not installed (pip install &apos;gradsim[cluster]&apos;)</source>
        <translation>--scheduler:未安装 Dask(pip install &apos;gradsim[cluster]&apos;)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="334"/>
        <source>[metrics] %1 = %2: must be a number &gt; 0 and ≤ 1</source>
        <translation>[metrics] %1 = %2:必须是 &gt; 0 且 ≤ 1 的数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="335"/>
        <source>[axes] %1: a range needs a numeric field; give a list of values</source>
        <translation>[axes] %1:范围只适用于数值字段;请给出取值列表</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="336"/>
        <source>cannot connect to the Dask scheduler %1: %2</source>
        <translation>无法连接 Dask 调度器 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="337"/>
        <source>[axes] %1: num = %2: must be an integer ≥ 1</source>
        <translation>[axes] %1:num = %2:必须是 ≥ 1 的整数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="338"/>
        <source>[axes] %1: log = [%2, %3]: both ends must be &gt; 0</source>
        <translation>[axes] %1:log = [%2, %3]:两端都必须 &gt; 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="339"/>
        <source>[axes] %1: a range is { log = [a, b], num = n }, { lin = [a, b], num = n } or { range = [a, b], step = s }; got keys %2</source>
        <translation>[axes] %1:范围的写法是 { log = [a, b], num = n }、{ lin = [a, b], num = n } 或 { range = [a, b], step = s };实际的键为 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="341"/>
        <source>grid point %1, seed=%2: %3</source>
        <translation>网格点 %1,seed=%2:%3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="342"/>
        <source>[axes] %1: step = %2: must be &gt; 0</source>
        <translation>[axes] %1:step = %2:必须 &gt; 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="343"/>
        <source>sweep manifest %1: %2 is missing or malformed</source>
        <translation>扫描清单 %1:%2 缺失或格式错误</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="344"/>
        <source>%1 is not a folder (a sweep folder is written by `gradsim sweep`)</source>
        <translation>%1 不是文件夹(扫描文件夹由 `gradsim sweep` 写出)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="345"/>
        <source>sweep %1: a phase diagram needs two axes, this sweep has %2</source>
        <translation>扫描 %1:相图需要两个轴,此次扫描只有 %2 个</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="346"/>
        <source>sweep folder %1: no such folder</source>
        <translation>扫描文件夹 %1:没有这个文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="347"/>
        <source>cannot read sweep folder %1: %2</source>
        <translation>无法读取扫描文件夹 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="348"/>
        <source>%1 is not a sweep folder (no sweep.json; make one with `gradsim sweep`)</source>
        <translation>%1 不是扫描文件夹(没有 sweep.json;请用 `gradsim sweep` 生成)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="349"/>
        <source>cannot read sweep manifest %1: %2</source>
        <translation>无法读取扫描清单 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="350"/>
        <source>sweep manifest %1 is not valid JSON: %2</source>
        <translation>扫描清单 %1 不是有效的 JSON:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="351"/>
        <source>sweep table %1: no column %2</source>
        <translation>扫描结果表 %1:没有列 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="352"/>
        <source>larger than 64 MiB</source>
        <translation>大于 64 MiB</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="353"/>
        <source>larger than 16 MiB</source>
        <translation>大于 16 MiB</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="354"/>
        <source>too large</source>
        <translation>文件过大</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="355"/>
        <source>UTF-16 text; save the file as UTF-8</source>
        <translation>是 UTF-16 文本；请将文件另存为 UTF-8</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="356"/>
        <source>arrays or objects nested too deeply</source>
        <translation>数组或对象嵌套过深</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="357"/>
        <source>[overrides] %1: name an axis and one of its values, e.g. &quot;cell=lstm&quot; (axes: %2)</source>
        <translation>[overrides] %1:请写出一个轴及其一个取值,例如 &quot;cell=lstm&quot;(现有轴:%2)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="358"/>
        <source>[overrides] %1: %2 is not a value of axis %3 (values: %4)</source>
        <translation>[overrides] %1:%2 不是轴 %3 的取值(取值:%4)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="359"/>
        <source>[overrides] %1 = %2: must be a table of fields, e.g. { lr = 0.1 }</source>
        <translation>[overrides] %1 = %2:必须是字段表,例如 { lr = 0.1 }</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="360"/>
        <source>[overrides] %1: %2: unknown field (known: %3)</source>
        <translation>[overrides] %1:%2:未知字段(已知:%3)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="361"/>
        <source>[overrides] %1: %2 is an axis or the seed; an override sets other fields</source>
        <translation>[overrides] %1:%2 是轴或随机种子;覆盖项只能设置其他字段</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="363"/>
        <source>%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead</source>
        <translation>%1:%2 行;输入 %3;预测 %4,提前 %5 行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="364"/>
        <source>%1: %2 rows; inputs %3; predicts %4, %5 row(s) ahead; left out (not numeric): %6</source>
        <translation>%1:%2 行;输入 %3;预测 %4,提前 %5 行;未使用(非数值):%6</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="366"/>
        <source>cannot build the model: %1</source>
        <translation>无法构建模型:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="367"/>
        <source>no model to train: fix the configuration and press Reset</source>
        <translation>没有可训练的模型:请修正配置后按“重置”</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="368"/>
        <source>training step failed: %1: %2</source>
        <translation>训练步骤失败:%1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="382"/>
        <source>ffmpeg stopped (%1)</source>
        <translation>ffmpeg 意外停止（%1）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="383"/>
        <source>the encoder wrote an incomplete file</source>
        <translation>编码器写出的文件不完整</translation>
    </message>
</context>
<context>
    <name>ExportMedia</name>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="57"/>
        <source>Nothing to export yet</source>
        <extracomment>Frames of an animation exported from the app: ~5 s at 12 fps, a few seconds to render.</extracomment>
        <translation>还没有可导出的内容</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="58"/>
        <source>This run has no iterations yet: press Play (or Step) first.</source>
        <translation>本次运行还没有迭代:请先按“运行”(或“单步”)。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="72"/>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="79"/>
        <location filename="../../gradsim/app/export_media.py" line="102"/>
        <location filename="../../gradsim/app/export_media.py" line="142"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="84"/>
        <source>Rendering the animation…</source>
        <translation>正在渲染动画…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="85"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="110"/>
        <source>Animation export cancelled</source>
        <translation>动画导出已取消</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="93"/>
        <source>Encoding…</source>
        <translation>正在编码…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="114"/>
        <source>Exported {path} ({n} frames)</source>
        <translation>已导出 {path}({n} 帧)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="128"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/export_media.py" line="146"/>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
</context>
<context>
    <name>Exporter</name>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="106"/>
        <source>width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="107"/>
        <source>height</source>
        <translation>高度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="108"/>
        <source>antialias</source>
        <translation>抗锯齿</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="109"/>
        <source>background</source>
        <translation>背景</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="110"/>
        <source>invertValue</source>
        <translation>反转数值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="111"/>
        <source>scaling stroke</source>
        <translation>缩放线宽</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="112"/>
        <source>Scalable Vector Graphics</source>
        <translation>可缩放矢量图形</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="113"/>
        <source>separator</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="114"/>
        <source>precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="115"/>
        <source>columnMode</source>
        <translation>列模式</translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="42"/>
        <source>Loss</source>
        <extracomment>Figure name -&gt; menu title (Export menu, file names). English here (file names, logs); shown through :func:`figure_title`.</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="43"/>
        <source>Predictions</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="44"/>
        <source>Gradient heatmap</source>
        <translation>梯度热力图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="45"/>
        <source>Current profile</source>
        <translation>当前梯度剖面</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="46"/>
        <source>Spectrum (eigenvalues)</source>
        <translation>谱(特征值)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="47"/>
        <source>ρ and σ_max</source>
        <translation>ρ 与 σ_max</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="48"/>
        <source>Per-parameter gradient norms</source>
        <translation>各参数的梯度范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="53"/>
        <source>‖δ_t‖ = ‖∂L/∂h_t‖ (total error signal)</source>
        <extracomment>gradsim.figures.HEATMAP_VIEW_TITLES (Qt-free core) for lupdate; a test keeps them equal.</extracomment>
        <translation>‖δ_t‖ = ‖∂L/∂h_t‖ (总误差信号)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="54"/>
        <source>‖∂L_T/∂h_t‖ (last step&apos;s loss only)</source>
        <translation>‖∂L_T/∂h_t‖ (仅最后一步的损失)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="55"/>
        <source>‖step t&apos;s term of ∂L/∂W_hh‖</source>
        <translation>‖∂L/∂W_hh 中第 t 步的项‖</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="30"/>
        <source>Link Axis:</source>
        <translation>联动坐标轴:</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="31"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Links this axis with another view. When linked, both views will display the same data range.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;将此坐标轴与另一个视图联动。联动后两个视图显示相同的数据范围。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="33"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Percent of data to be visible when auto-scaling. It may be useful to decrease this value for data with spiky noise.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;自动缩放时可见数据的百分比。数据有尖峰噪声时,调低此值可能有用。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="35"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Automatically resize this axis whenever the displayed data is changed.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;显示的数据变化时自动调整此坐标轴的范围。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="37"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="38"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Set the range for this axis manually. This disables automatic scaling. &lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;手动设置此坐标轴的范围,这会关闭自动缩放。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="40"/>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="41"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Minimum value to display for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;此坐标轴显示的最小值。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="42"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Maximum value to display for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;此坐标轴显示的最大值。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="43"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Inverts the display of this axis. (+y points downward instead of upward)&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;反转此坐标轴的方向(+y 朝下而不是朝上)。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="45"/>
        <source>Invert Axis</source>
        <translation>反转坐标轴</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="46"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;Enables mouse interaction (panning, scaling) for this axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;允许用鼠标操作此坐标轴(平移、缩放)。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="48"/>
        <source>Mouse Enabled</source>
        <translation>允许鼠标操作</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="49"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;When checked, the axis will only auto-scale to data that is visible along the orthogonal axis.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;勾选后,此坐标轴只按另一坐标轴方向上可见的数据自动缩放。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="51"/>
        <source>Visible Data Only</source>
        <translation>仅按可见数据</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="52"/>
        <source>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;When checked, the axis will automatically pan to center on the current data, but the scale along this axis will not change.&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</source>
        <translation>&lt;html&gt;&lt;head/&gt;&lt;body&gt;&lt;p&gt;勾选后,此坐标轴自动平移使当前数据居中,但不改变缩放比例。&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="54"/>
        <source>Auto Pan Only</source>
        <translation>仅自动平移</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="55"/>
        <source>Display averages of the curves displayed in this plot. The parameter list allows you to choose parameters to average over (if any are available).</source>
        <translation>显示本图中各曲线的平均值。可在参数列表中选择求平均所依据的参数(如果有)。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="57"/>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="58"/>
        <source>Plot only the portion of each curve that is visible. This assumes X values are uniformly spaced.</source>
        <translation>只绘制每条曲线的可见部分。假定 X 值等间距。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="60"/>
        <source>Clip to View</source>
        <translation>裁剪到视图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="61"/>
        <source>If multiple curves are displayed in this plot, check this box to limit the number of traces that are displayed.</source>
        <translation>本图显示多条曲线时,勾选此项可限制显示的曲线数量。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="63"/>
        <source>Max Traces:</source>
        <translation>最多曲线数:</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="64"/>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="65"/>
        <source>Downsample by drawing a saw wave that follows the min and max of the original data. This method produces the best visual representation of the data but is slower.</source>
        <translation>按原始数据的最小值和最大值绘制锯齿波来降采样。此方法显示效果最好,但较慢。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="67"/>
        <source>Peak</source>
        <translation>峰值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="68"/>
        <source>If multiple curves are displayed in this plot, check &quot;Max Traces&quot; and set this value to limit the number of traces that are displayed.</source>
        <translation>本图显示多条曲线时,勾选&quot;最多曲线数&quot;并设置此值以限制显示的曲线数量。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="70"/>
        <source>If MaxTraces is checked, remove curves from memory after they are hidden (saves memory, but traces can not be un-hidden).</source>
        <translation>勾选&quot;最多曲线数&quot;时,隐藏的曲线从内存中移除(节省内存,但无法再显示)。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="72"/>
        <source>Forget hidden traces</source>
        <translation>丢弃隐藏的曲线</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="73"/>
        <source>Downsample by taking the mean of N samples.</source>
        <translation>取每 N 个样本的平均值来降采样。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="74"/>
        <source>Mean</source>
        <translation>平均值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="75"/>
        <source>Downsample by taking the first of N samples. This method is fastest and least accurate.</source>
        <translation>取每 N 个样本中的第一个来降采样。此方法最快,但最不精确。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="77"/>
        <source>Subsample</source>
        <translation>抽样</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="78"/>
        <source>Automatically downsample data based on the visible range. This assumes X values are uniformly spaced.</source>
        <translation>按可见范围自动降采样。假定 X 值等间距。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="80"/>
        <source>Downsample data before plotting. (plot every Nth sample)</source>
        <translation>绘图前先降采样(每 N 个样本画一个)。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="81"/>
        <source>Log X</source>
        <translation>对数 X</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="82"/>
        <source>dy/dx</source>
        <translation>dy/dx</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="83"/>
        <source>Y vs. Y&apos;</source>
        <translation>Y 对 Y&apos;</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="84"/>
        <source>Power Spectrum (FFT)</source>
        <translation>功率谱(FFT)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="85"/>
        <source>Log Y</source>
        <translation>对数 Y</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="86"/>
        <source>Subtract Mean</source>
        <translation>减去均值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="87"/>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="88"/>
        <source>Show X Grid</source>
        <translation>显示 X 网格</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="89"/>
        <source>Show Y Grid</source>
        <translation>显示 Y 网格</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="90"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="91"/>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="92"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="93"/>
        <source>Item to export:</source>
        <translation>要导出的项:</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="94"/>
        <source>Export format</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="95"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="96"/>
        <source>Export options</source>
        <translation>导出选项</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="97"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>GraphicsScene</name>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="105"/>
        <location filename="../../gradsim/app/pg_menus.py" line="164"/>
        <source>Export...</source>
        <translation>导出…</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <location filename="../../gradsim/app/launch.py" line="109"/>
        <source>or run the headless commands (gradsim run, report, animate), which need no display</source>
        <extracomment>Signals that close the app as the window&apos;s close button does (worker stopped, settings saved, exit 0): Ctrl-C, ``kill``, a closed terminal. Libraries the Qt ``xcb`` platform plugin loads beyond libxcb itself, with the Debian/Ubuntu package of each (``ldd .../platforms/libqxcb.so``). Platforms that need no display server.</extracomment>
        <translation>或者运行无需显示器的命令行命令（gradsim run、report、animate）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/launch.py" line="113"/>
        <source>gradsim: QT_QPA_PLATFORM=%1 but WAYLAND_DISPLAY is not set: start it in a Wayland session, %2</source>
        <translation>gradsim：QT_QPA_PLATFORM=%1，但未设置 WAYLAND_DISPLAY：请在 Wayland 会话中启动，%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/launch.py" line="116"/>
        <source>gradsim: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set): start it in a desktop session or under xvfb-run, %1</source>
        <translation>gradsim：没有可以打开窗口的显示器（未设置 DISPLAY 和 WAYLAND_DISPLAY）：请在桌面会话中或用 xvfb-run 启动，%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/launch.py" line="120"/>
        <source>gradsim: cannot reach the X display %1 (no X server listens there): check DISPLAY, start it in a desktop session or under xvfb-run, %2</source>
        <translation>gradsim：无法连接 X 显示器 %1（那里没有 X 服务器）：请检查 DISPLAY，在桌面会话中或用 xvfb-run 启动，%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/launch.py" line="125"/>
        <source>gradsim: the Qt xcb platform plugin needs libraries this system lacks (%1): install them (Debian/Ubuntu: sudo apt install %2), %3</source>
        <translation>gradsim：Qt 的 xcb 平台插件需要本系统缺少的库（%1）：请安装（Debian/Ubuntu：sudo apt install %2），%3</translation>
    </message>
</context>
<context>
    <name>LecturePanel</name>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="199"/>
        <source>◀ Previous</source>
        <extracomment>Seconds between two evaluations of the step&apos;s live claims (placeholders, expectations). Controls classroom mode hides when no lecture is open: the ones a class never needs. The colour levels (log10 low, high) if fixed, else None; and the level fields&apos; values. The UI language changed (the controller retranslates its menu and dock). Returns ``(history, last snapshot, config)`` of the run on screen for the shown step, or None while that run has not started (the controller sets it).</extracomment>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="200"/>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="201"/>
        <source>Previous step (Ctrl+Left / PgUp)</source>
        <translation>上一步 (Ctrl+Left / PgUp)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="202"/>
        <source>Next step (Ctrl+Right / PgDown)</source>
        <translation>下一步 (Ctrl+Right / PgDown)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="204"/>
        <source>Open the shipped lecture</source>
        <translation>打开自带讲稿</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="207"/>
        <source>No lecture open</source>
        <translation>没有打开的讲稿</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="209"/>
        <source>Lecture → Open the shipped lecture, or open a lecture file.</source>
        <translation>讲课 → 打开自带讲稿,或打开一个讲稿文件。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="223"/>
        <source>Step {k} / {n}: {title}</source>
        <translation>第 {k} / {n} 步:{title}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="261"/>
        <source>Look at: {what}</source>
        <translation>请观察:{what}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="263"/>
        <source>(trains to iteration {n}, then pauses; every number above is measured on this run)</source>
        <translation>（训练到第 {n} 次迭代后暂停；上面的每个数字都是本次运行实测的）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="272"/>
        <source>Claims on this run:</source>
        <translation>本次运行上的论断：</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="291"/>
        <source>(at iteration {n})</source>
        <translation>（在第 {n} 次迭代）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="293"/>
        <source>(by iteration {n})</source>
        <translation>（不晚于第 {n} 次迭代）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="300"/>
        <source>not measured yet</source>
        <translation>尚未测得</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="302"/>
        <source>measured {value} at iteration {n}</source>
        <translation>第 {n} 次迭代实测 {value}</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="390"/>
        <source>Open the &amp;shipped lecture</source>
        <extracomment>The user&apos;s choices from before the open lecture (None: no lecture open).</extracomment>
        <translation>打开自带讲稿(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="391"/>
        <source>Step through vanishing → clipping → LSTM and each seed&apos;s claim</source>
        <translation>逐步讲解 梯度消失 → 梯度裁剪 → LSTM,以及每篇原文的论断</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="393"/>
        <source>&amp;Open lecture file…</source>
        <translation>打开讲稿文件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="394"/>
        <source>Load your own lecture script (TOML), validated first</source>
        <translation>载入你自己的讲稿 (TOML),先校验再使用</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="395"/>
        <source>&amp;Close lecture</source>
        <translation>关闭讲稿(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="396"/>
        <source>Leave the lecture: the speed, language, colour levels, presentation plots and hidden controls from before it come back (Ctrl+W)</source>
        <translation>退出讲稿:恢复打开讲稿之前的速度、语言、色标、演示模式的图和隐藏的控件(Ctrl+W)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="399"/>
        <source>&amp;Next step</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="400"/>
        <source>Next lecture step (Ctrl+Right / PgDown)</source>
        <translation>讲稿的下一步 (Ctrl+Right / PgDown)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="401"/>
        <source>&amp;Previous step</source>
        <translation>上一步(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="402"/>
        <source>Previous lecture step (Ctrl+Left / PgUp)</source>
        <translation>讲稿的上一步 (Ctrl+Left / PgUp)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="403"/>
        <source>&amp;Classroom mode</source>
        <translation>课堂模式(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="404"/>
        <source>Hide the controls the lecture does not need</source>
        <translation>隐藏讲稿用不到的控件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="405"/>
        <source>Lecture</source>
        <translation>讲课</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="406"/>
        <source>Show lecture &amp;panel</source>
        <translation>显示讲稿面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="407"/>
        <source>&amp;Lecture</source>
        <translation>讲课(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="420"/>
        <location filename="../../gradsim/app/lecture_panel.py" line="443"/>
        <source>Cannot open lecture</source>
        <translation>无法打开讲稿</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="421"/>
        <source>No lecture is shipped with this install.</source>
        <translation>此安装没有附带讲稿。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="428"/>
        <source>Open lecture</source>
        <translation>打开讲稿</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="429"/>
        <source>Lecture (*.toml);;All (*)</source>
        <translation>讲稿 (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/lecture_panel.py" line="506"/>
        <source>Lecture step {k} / {n}: {title}</source>
        <translation>讲稿第 {k} / {n} 步:{title}</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="445"/>
        <source>loss</source>
        <extracomment>Legend entries of the live plots (English in gradsim.figures.plots / live_plots / core.theory).</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="446"/>
        <source>gradient clipped</source>
        <translation>已裁剪梯度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="447"/>
        <source>this iteration</source>
        <translation>本次迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="448"/>
        <source>prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="449"/>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="450"/>
        <source>free-running roll-out</source>
        <translation>自由递推输出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="451"/>
        <source>spectral radius ρ</source>
        <translation>谱半径 ρ</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="452"/>
        <source>(γλ₁)^(T−1−t) bound</source>
        <translation>(γλ₁)^(T−1−t) 上界</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="453"/>
        <source>ρ^(T−1−t) (eigenvalue rate)</source>
        <translation>ρ^(T−1−t)(特征值速率)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="454"/>
        <source>measured rate</source>
        <translation>实测倍率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="455"/>
        <location filename="../../gradsim/app/i18n.py" line="541"/>
        <source>measured rate, %1/step</source>
        <translation>实测倍率，每步 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="456"/>
        <source>bound</source>
        <translation>上界</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="458"/>
        <source>norm γ</source>
        <translation>归一化 γ</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="459"/>
        <source>norm β</source>
        <translation>归一化 β</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="461"/>
        <source>no clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="462"/>
        <source>clip by norm</source>
        <translation>按范数裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="463"/>
        <source>clip by value</source>
        <translation>按值裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="464"/>
        <source>start</source>
        <translation>起点</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="533"/>
        <source>%1: thrown to w = %2, b = %3</source>
        <translation>%1:被甩到 w = %2, b = %3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="536"/>
        <source>%1 (layer %2)</source>
        <translation>%1(第 %2 层)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="539"/>
        <source>readout %1</source>
        <translation>读出层 %1</translation>
    </message>
</context>
<context>
    <name>LivePlots</name>
    <message>
        <location filename="../../gradsim/app/live_plots.py" line="383"/>
        <source>diverged at step %1</source>
        <extracomment>Smooth curves up to this many points get a wide antialiased pen. The legend is re-placed at most ~4 times a second while data arrive. A legend is never shrunk below this scale (beyond it, it is cut rather than unreadable). False: the plot keeps its legend hidden (its title says what the points are). &quot;top&quot;: the legend keeps its top corner and the Ranger keeps a band free above the data (live data move every frame; a legend moving to whichever corner is free at the moment chases them); &quot;any&quot;: it moves to a free corner when its own is hit.</extracomment>
        <translation>在第 %1 步发散</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/live_plots.py" line="867"/>
        <source>eig(W_hh), ρ = %1</source>
        <extracomment>Theory curves beyond the profile&apos;s span by more than this (decades) leave the view alone: an explosion-regime bound reaches 10^900 and would flatten the profile. The profile&apos;s shape is steady and its bounds leave through the top: any free corner. A badge wider than its plot wraps onto at most this many lines, then is elided. … and takes at most this part of the view&apos;s height.</extracomment>
        <translation>W_hh 的特征值, ρ = %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/live_plots.py" line="869"/>
        <source>eig(W_hh) (layer %1), ρ = %2</source>
        <translation>W_hh 的特征值(第 %1 层), ρ = %2</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gradsim/app/window.py" line="196"/>
        <source>iteration %1</source>
        <translation>迭代 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="198"/>
        <source>%1 steps/s</source>
        <translation>%1 步/秒</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="202"/>
        <source>%1 s/step</source>
        <translation>%1 秒/步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="208"/>
        <source>loss %1</source>
        <translation>损失 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="223"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="223"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="223"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="224"/>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="224"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="229"/>
        <source>Diverged at step %1: the loss or gradient became non-finite and training paused. The plots keep the finite history. Lower the learning rate or clip the gradient and press Play, or press Reset (R).</source>
        <translation>在第 %1 步发散:损失或梯度变为非有限值(inf/NaN),训练已暂停。图表保留发散前的有限历史。请降低学习率或启用梯度裁剪后按“运行”,或按“重置”(R)。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="241"/>
        <source>Error: %1 — training paused.</source>
        <translation>错误:%1 — 训练已暂停。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="242"/>
        <source>Error: %1</source>
        <translation>错误:%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="245"/>
        <source>Not started: %1. The current run is unchanged.</source>
        <translation>未启动：%1。当前运行保持不变。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="253"/>
        <source>Error details</source>
        <translation>错误详情</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="289"/>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="294"/>
        <source> (modified)</source>
        <translation>(已修改)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="307"/>
        <source>Preset %1: %2</source>
        <translation>预设 %1:%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="332"/>
        <source>Open configuration</source>
        <translation>打开配置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="333"/>
        <source>TOML (*.toml);;All (*)</source>
        <translation>TOML (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="338"/>
        <location filename="../../gradsim/app/window.py" line="343"/>
        <location filename="../../gradsim/app/window.py" line="346"/>
        <source>Cannot open configuration</source>
        <translation>无法打开配置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="347"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="359"/>
        <source>Loaded %1</source>
        <translation>已载入 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="370"/>
        <source>%1 is not a regular file (a named pipe, a device or a folder): choose a TOML file</source>
        <translation>%1 不是普通文件（而是命名管道、设备或文件夹）：请选择一个 TOML 文件</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="383"/>
        <source>Save configuration</source>
        <translation>保存配置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="389"/>
        <source>Cannot save configuration</source>
        <translation>无法保存配置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="392"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="403"/>
        <source>Export %1</source>
        <translation>导出%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="410"/>
        <location filename="../../gradsim/app/window.py" line="423"/>
        <location filename="../../gradsim/app/window.py" line="438"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="412"/>
        <location filename="../../gradsim/app/window.py" line="425"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="416"/>
        <source>Export %1 data</source>
        <translation>导出%1数据</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="430"/>
        <source>Export everything to folder</source>
        <translation>全部导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="442"/>
        <source>Exported %1 files to %2</source>
        <translation>已导出 %1 个文件到 %2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="557"/>
        <source>gradsim %1: watch vanishing and exploding gradients of recurrent networks while they train.

Training backend: %2.</source>
        <translation>gradsim %1:在循环神经网络训练的同时观察梯度消失与梯度爆炸。

训练后端:%2。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/window.py" line="560"/>
        <source>About gradsim</source>
        <translation>关于 gradsim</translation>
    </message>
</context>
<context>
    <name>PlotItem</name>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="98"/>
        <location filename="../../gradsim/app/pg_menus.py" line="145"/>
        <source>Plot Options</source>
        <translation>绘图选项</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="99"/>
        <source>Transforms</source>
        <translation>变换</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="100"/>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="101"/>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="102"/>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="103"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="104"/>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
</context>
<context>
    <name>PlotText</name>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="577"/>
        <source>trivial baseline</source>
        <translation>平凡基线</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="578"/>
        <source>predict 0</source>
        <translation>恒预测 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="579"/>
        <source>predict the mean</source>
        <translation>恒预测均值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="580"/>
        <source>predict the mean (MSE 1/6)</source>
        <translation>恒预测均值 (MSE 1/6)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="581"/>
        <source>no readout (loss = sum of h_T)</source>
        <translation>无读出层(损失 = h_T 之和)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="582"/>
        <source>sine: next-value prediction</source>
        <translation>正弦:预测下一个值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="583"/>
        <source>adding: running output</source>
        <translation>加法问题:逐步输出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="584"/>
        <source>prediction vs target</source>
        <translation>预测与目标</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="598"/>
        <source>chance (ln %1)</source>
        <translation>随机猜测 (ln %1)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="600"/>
        <source>p(true class %1) over t</source>
        <translation>真实类别 %1 的概率 p 随 t 变化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="604"/>
        <source>first column</source>
        <translation>第一列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="606"/>
        <source>column %1</source>
        <translation>第 %1 列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="607"/>
        <source>csv: %1, %2 row(s) ahead</source>
        <translation>csv:%1,提前 %2 行</translation>
    </message>
</context>
<context>
    <name>PlotsPanel</name>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="143"/>
        <location filename="../../gradsim/app/plots_panel.py" line="265"/>
        <source>ρ and σ_max of W_hh</source>
        <translation>W_hh 的 ρ 与 σ_max</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="143"/>
        <location filename="../../gradsim/app/plots_panel.py" line="262"/>
        <location filename="../../gradsim/app/plots_panel.py" line="265"/>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="144"/>
        <location filename="../../gradsim/app/plots_panel.py" line="266"/>
        <source>Gradient norms</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="241"/>
        <source>heatmap view</source>
        <translation>热力图视图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="242"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="243"/>
        <source>colour levels</source>
        <translation>色阶</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="244"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="246"/>
        <source>Which per-step gradient to show (DOMAIN.md): total ‖δ_t‖, the last step&apos;s loss only ‖∂L_T/∂h_t‖, or step t&apos;s contribution to ∂L/∂W_hh</source>
        <translation>显示哪一种逐步梯度(见 DOMAIN.md):总量 ‖δ_t‖、仅最后一步损失的 ‖∂L_T/∂h_t‖,或第 t 步对 ∂L/∂W_hh 的贡献</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="250"/>
        <source>Layer of the stacked network</source>
        <translation>堆叠网络中的层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="252"/>
        <location filename="../../gradsim/app/plots_panel.py" line="334"/>
        <source>layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="253"/>
        <source>follow data</source>
        <translation>跟随数据</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="254"/>
        <source>fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="256"/>
        <source>Colour levels: follow the data (whole decades) or fixed; dragging the colour bar fixes them too</source>
        <translation>色阶:跟随数据(取整数量级)或固定;拖动色条也会固定色阶</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="257"/>
        <source>exact 0</source>
        <translation>恰好为 0</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="258"/>
        <source>lowest colour: 10^ (log10 units)</source>
        <translation>最低颜色:10^(log10 单位)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="259"/>
        <source>highest colour: 10^ (log10 units)</source>
        <translation>最高颜色:10^(log10 单位)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="261"/>
        <location filename="../../gradsim/app/plots_panel.py" line="263"/>
        <location filename="../../gradsim/app/plots_panel.py" line="265"/>
        <location filename="../../gradsim/app/plots_panel.py" line="266"/>
        <source>iteration</source>
        <translation>迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="261"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="261"/>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="262"/>
        <location filename="../../gradsim/app/plots_panel.py" line="263"/>
        <location filename="../../gradsim/app/plots_panel.py" line="264"/>
        <source>time step t</source>
        <translation>时间步 t</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="264"/>
        <source>gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="419"/>
        <source> — layer %1</source>
        <translation> — 第 %1 层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/plots_panel.py" line="431"/>
        <source>Newest profile (%1)</source>
        <translation>最新梯度剖面(%1)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="427"/>
        <source>no gradient at the last step</source>
        <extracomment>gradsim.core.theory.BADGE_TEXTS, for lupdate (context &quot;PlotsPanel&quot;: the live panel built them itself before the core&apos;s theory_badge did; a test keeps the two lists equal).</extracomment>
        <translation>最后一步没有梯度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="428"/>
        <source>vanishing: nothing reaches back past the last step</source>
        <translation>梯度消失：没有任何梯度传回到最后一步之前</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="429"/>
        <source>vanishing, measured %1/step</source>
        <translation>梯度消失，实测每步 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="430"/>
        <source>neither vanishing nor exploding, measured %1/step</source>
        <translation>既不消失也不爆炸，实测每步 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="431"/>
        <source>exploding, measured %1/step</source>
        <translation>梯度爆炸，实测每步 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="432"/>
        <source>the bound guarantees vanishing: γσ_max = %1</source>
        <translation>上界保证消失：γσ_max = %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="433"/>
        <source>the bound allows growth: γσ_max = %1</source>
        <translation>上界允许增长：γσ_max = %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="434"/>
        <source>at the bound&apos;s boundary: γσ_max = %1</source>
        <translation>处于上界的临界点：γσ_max = %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="435"/>
        <source>measured: the slope of log‖∂L_T/∂h_t‖ fitted over t = %1…%2 (%3 steps)</source>
        <translation>实测值：在 t = %1…%2（%3 步）上拟合的 log‖∂L_T/∂h_t‖ 斜率</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="122"/>
        <source>Seed 002 exactly: sine next-step prediction, H=16 tanh RNN, every RNN weight N(0, 0.001²), Adam 0.01, hidden state carried across batches. Watch the loss fall from about 0.5 to below 0.05 within 300 steps and the predictions lock onto the sine; the &apos;last&apos; view decays by many orders of magnitude over the 49 steps.</source>
        <translation>完全按原文 002：正弦下一步预测，H=16 的 tanh RNN，所有 RNN 权重取 N(0, 0.001²)，Adam 学习率 0.01，隐藏状态跨批次传递。观察损失在 300 步内从约 0.5 降到 0.05 以下，预测逐渐贴合正弦；&apos;last&apos; 视图在 49 步内衰减许多个数量级。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="123"/>
        <source>Seed 000&apos;s toy: explicit tanh cell, randn weights (std 1; the biases are drawn N(0, 1) too, where the seed starts them at zero), input size 10, H=5, 3 steps, loss = sum(h). With std-1 weights the tanh units saturate: see how small ∂L/∂h_t already is two steps back.</source>
        <translation>种子 000 的玩具例子:显式 tanh 单元,randn 权重(标准差 1;偏置同样取 N(0, 1),而种子中偏置从零开始),输入维度 10,H=5,3 个时间步,损失 = sum(h)。标准差为 1 的权重使 tanh 单元饱和:看看仅仅往回两步,∂L/∂h_t 已经多么小。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="124"/>
        <source>Vanishing: tanh RNN with spectral radius 0.6 on the adding problem, T=100. The &apos;last&apos; heatmap is bright only in the last columns and falls by many orders of magnitude toward t=0 (to exactly 0 at the first steps: float underflow). The loss stays near the 1/6 baseline of predicting the mean: the markers, dozens of steps back, get no usable gradient.</source>
        <translation>梯度消失：谱半径 0.6 的 tanh RNN，加法问题，T=100。&apos;last&apos; 热力图只有最后几列是亮的，往 t=0 方向衰减许多个数量级（最初几步恰好为 0：浮点下溢）。损失停在只预测均值的基线 1/6 附近：几十步之前的标记得不到可用的梯度。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="125"/>
        <source>Exploding: tanh RNN, orthogonal W_hh with gain 3 (every singular value 3), SGD with momentum, no clipping, adding T=50. The first gradient is above 10⁵ and the very first steps throw W_hh off the cliff: its spectral radius jumps from 3 to thousands or more (how far differs from one CPU to the next: the run is chaotic), the units saturate and the gradient then dies.</source>
        <translation>梯度爆炸：tanh RNN，增益为 3 的正交 W_hh（每个奇异值都是 3），带动量的 SGD，不裁剪，加法问题 T=50。第一次的梯度大于 10⁵，最初几步就把 W_hh 甩下悬崖：其谱半径从 3 跳到几千甚至更高（具体多少因 CPU 而异：这个过程是混沌的），单元饱和，随后梯度消失。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="126"/>
        <source>Exploding + clipping by global norm (Pascanu 2013, threshold 1): the same gradients, 10⁵ and more, are rescaled to norm 1 at every step (clip markers on the loss), and W_hh stays near spectral radius 3 instead of flying to thousands.</source>
        <translation>梯度爆炸 + 按全局范数裁剪（Pascanu 2013，阈值 1）：同样 10⁵ 以上的梯度每一步都被缩放到范数 1（损失曲线上的裁剪标记），W_hh 的谱半径保持在 3 附近，而不是飞到几千。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="127"/>
        <source>Exploding + clipping by value (seed 003: each component capped at ±15): the first gradients are still above 10⁵ and clipping changes their direction, so W_hh still grows, to a spectral radius of tens to hundreds (thousands and more without clipping); compare with clipping by norm, which keeps the direction and holds it near 3.</source>
        <translation>梯度爆炸 + 按值裁剪（原文 003：每个分量限制在 ±15）：最初的梯度仍大于 10⁵，裁剪改变了它们的方向，所以 W_hh 仍会增长，谱半径达到几十到几百（不裁剪时为几千甚至更高）；与保持方向、把谱半径维持在 3 附近的按范数裁剪对比。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="128"/>
        <source>LSTM on the vanishing preset&apos;s task (adding, T=100) with the forget-gate bias raised by 3 (σ(3) ≈ 0.95: the cell keeps 95% per step). Compare the &apos;last&apos; heatmap with the tanh RNN: after 100 steps, half-way back the LSTM still gets orders of magnitude more of the last step&apos;s gradient than the RNN, and at t=0 a small but non-zero share where the RNN&apos;s underflows to 0. Set forget_bias = 0 and reset to watch the LSTM lose it too.</source>
        <translation>LSTM 做梯度消失预设的任务（加法问题，T=100），遗忘门偏置加 3（σ(3) ≈ 0.95：细胞状态每步保留 95%）。把 &apos;last&apos; 热力图与 tanh RNN 对比：100 步后，在往回一半的位置 LSTM 得到的最后一步梯度仍比 RNN 多几个数量级；在 t=0 处仍有一小部分但不为零，而 RNN 已下溢为 0。把 forget_bias 设为 0 并重置，可以看到 LSTM 也会失去它。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="130"/>
        <source>IRNN (Le, Jaitly, Hinton 2015): identity W_hh and ReLU on the adding problem, T=100. At initialisation every singular value is 1, so the &apos;last&apos; view is nearly flat across all 100 steps. Raise lr to 0.01 and reset to see seed 003&apos;s warning that ReLU RNNs often do worse: within 100 steps the units die, the gradient before the last step is exactly 0 and the loss climbs far above the baseline.</source>
        <translation>IRNN（Le、Jaitly、Hinton 2015）：恒等 W_hh 加 ReLU，加法问题，T=100。初始化时每个奇异值都是 1，所以 &apos;last&apos; 视图在全部 100 步上几乎是平的。把 lr 提高到 0.01 并重置，即可看到原文 003 的警告——ReLU RNN 常常表现更差：100 步之内单元死亡，最后一步之前的梯度恰好为 0，损失升到远高于基线。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="131"/>
        <source>Sigmoid chain (seed 003): f&apos; ≤ 1/4, so with W_hh&apos;s singular values at 1 the &apos;last&apos; view must fall at least 4× per step: at most 4⁻³⁰ ≈ 10⁻¹⁸ after 30 steps of T=50, whatever the weights do.</source>
        <translation>Sigmoid 链（原文 003）：f′ ≤ 1/4，所以当 W_hh 的奇异值为 1 时，&apos;last&apos; 视图每步至少下降 4 倍：在 T=50 中往回 30 步后至多为 4⁻³⁰ ≈ 10⁻¹⁸，无论权重如何变化。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="133"/>
        <source>Your own data: the shipped sample series (hourly temperature and electricity demand, resources/data/sample.csv), predicting demand one hour ahead from 48 hours of both columns. Set csv_path to your own CSV (and csv_target / csv_columns) to train on it; the heatmap shows how far back the gradient of each hour reaches.</source>
        <translation>你自己的数据：随附的示例序列（每小时气温与用电需求，resources/data/sample.csv），由两列过去 48 小时的数据预测下一小时的需求。把 csv_path 设为你自己的 CSV（以及 csv_target / csv_columns）即可用它训练；热图显示每个小时的梯度能回传多远。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="129"/>
        <source>GRU on the adding problem, T=100: like the LSTM, the update gate&apos;s direct path h_t = z⊙h_{t−1} + … keeps gradient reaching the first steps; compare its &apos;last&apos; heatmap with the vanishing preset.</source>
        <translation>GRU 用于加法问题,T=100:与 LSTM 类似,更新门的直接通路 h_t = z⊙h_{t−1} + … 让梯度能到达最初几步;把它的 &apos;last&apos; 热力图与梯度消失预设对比。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="132"/>
        <source>Truncated BPTT (seeds 001, 002): sine prediction with gradient flowing back at most 10 steps. The heatmap shows the chunk boundaries (dashed) and the &apos;last&apos; view drops to exactly zero 10 steps before the end; the sine is still learned, since it needs little memory.</source>
        <translation>截断反向传播(截断BPTT,种子 001、002):正弦预测,梯度最多反向传播 10 步。热力图显示分块边界(虚线),&apos;last&apos; 视图在结尾前 10 步处精确降为零;正弦仍然能学会,因为它只需要很少的记忆。</translation>
    </message>
</context>
<context>
    <name>Replay</name>
    <message>
        <location filename="../../gradsim/app/replay.py" line="52"/>
        <source>no such folder</source>
        <extracomment>Playback speeds offered, iterations per second. How often the timeline advances while playing, and how often a followed folder is polled.</extracomment>
        <translation>没有这个文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="53"/>
        <source>not a folder (choose the folder that holds metrics.csv)</source>
        <translation>不是文件夹（请选择包含 metrics.csv 的文件夹）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="54"/>
        <source>not a run folder (no metrics.csv, grad_steps.npz, summary.json or config.toml in it)</source>
        <translation>不是运行文件夹（其中没有 metrics.csv、grad_steps.npz、summary.json 或 config.toml）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="55"/>
        <source>cannot read it: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="57"/>
        <source>Cannot open run %1: %2</source>
        <translation>无法打开运行 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="65"/>
        <source>waiting for the folder %1</source>
        <translation>等待文件夹 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="66"/>
        <source>no metrics.csv yet</source>
        <translation>还没有 metrics.csv</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="67"/>
        <source>metrics.csv: %1 row(s) with the wrong number of fields skipped</source>
        <translation>metrics.csv：跳过了 %1 行字段数不对的行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="68"/>
        <source>no grad_steps.npz yet: no gradient heatmap</source>
        <translation>还没有 grad_steps.npz：没有梯度热图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="69"/>
        <source>grad_steps.npz could not be read yet (%1); retrying</source>
        <translation>暂时无法读取 grad_steps.npz（%1）；将重试</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="70"/>
        <source>grad_steps.npz is not a gradsim gradient file: %1</source>
        <translation>grad_steps.npz 不是 gradsim 梯度文件：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="71"/>
        <source>summary.json is not a JSON object</source>
        <translation>summary.json 不是 JSON 对象</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="72"/>
        <source>config.toml does not load: %1</source>
        <translation>config.toml 无法加载：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="73"/>
        <source>no config.toml: predictions and the theory bound need it</source>
        <translation>没有 config.toml：预测和理论界需要它</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="765"/>
        <source>Open run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="774"/>
        <source>Cannot open run</source>
        <translation>无法打开运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="784"/>
        <source>Replaying %1</source>
        <translation>正在回放 %1</translation>
    </message>
</context>
<context>
    <name>ReplayPlots</name>
    <message>
        <location filename="../../gradsim/app/replay.py" line="293"/>
        <source> — layer %1</source>
        <translation> — 第 %1 层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="305"/>
        <source>Profile at iteration %1 (%2)</source>
        <translation>第 %1 次迭代的剖面（%2）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="309"/>
        <source>no gradient rows yet</source>
        <translation>还没有梯度行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="319"/>
        <source>no config.toml: no theory bound (the cell and activation are unknown)</source>
        <translation>没有 config.toml：无理论界（单元类型和激活函数未知）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="339"/>
        <source>predictions: not in this run folder (no config.toml)</source>
        <translation>预测：此运行文件夹中没有（无 config.toml）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="341"/>
        <source>predictions: not recorded per iteration (predictions.png shows the last one)</source>
        <translation>预测：未按迭代记录（predictions.png 显示最后一次）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="380"/>
        <source>eig(W_hh): not in run folders; ρ = %1</source>
        <translation>eig(W_hh)：运行文件夹中没有；ρ = %1</translation>
    </message>
</context>
<context>
    <name>ReplayWindow</name>
    <message>
        <location filename="../../gradsim/app/replay.py" line="587"/>
        <source>gradsim — replay: %1</source>
        <extracomment>The folder was read (a new record is shown).</extracomment>
        <translation>gradsim — 回放：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="620"/>
        <source>Reading the run failed: %1</source>
        <translation>读取运行失败：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="644"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="649"/>
        <source>%1, %2 (%3 layer(s), H = %4), T = %5</source>
        <translation>%1，%2（%3 层，H = %4），T = %5</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="655"/>
        <source>user model: %1</source>
        <translation>用户模型：%1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="657"/>
        <source>%1 iterations per heatmap row</source>
        <translation>热图每行 %1 次迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="659"/>
        <source>gradients up to iteration %1</source>
        <translation>梯度记录到第 %1 次迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="662"/>
        <source>following</source>
        <translation>跟随中</translation>
    </message>
</context>
<context>
    <name>RunConfig</name>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="11"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="12"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="13"/>
        <source>Initialisation</source>
        <translation>初始化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="14"/>
        <source>Remedies</source>
        <translation>对策</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="15"/>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="16"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="17"/>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="24"/>
        <source>seq len</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="25"/>
        <source>time steps per sequence (columns of the heatmap)</source>
        <translation>每个序列的时间步数(热力图的列数)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="26"/>
        <source>batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="27"/>
        <source>sequences per training iteration</source>
        <translation>每次训练迭代的序列数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="28"/>
        <source>n classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="29"/>
        <source>number of symbols in the recall task</source>
        <translation>回忆任务中的符号个数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="30"/>
        <source>csv path</source>
        <translation>CSV 路径</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="31"/>
        <source>csv task: the CSV file of the time series (empty = the shipped sample)</source>
        <translation>csv 任务：时间序列的 CSV 文件（留空 = 随附的示例）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="32"/>
        <source>csv columns</source>
        <translation>CSV 输入列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="33"/>
        <source>csv task: input columns, names or 0-based numbers separated by commas (empty = every numeric column except the target)</source>
        <translation>csv 任务：输入列，列名或从 0 开始的列号，用逗号分隔（留空 = 除目标外的所有数值列）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="34"/>
        <source>csv target</source>
        <translation>CSV 目标列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="35"/>
        <source>csv task: the column to predict (empty = the next step of every input column)</source>
        <translation>csv 任务：要预测的列（留空 = 预测每个输入列的下一步）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="36"/>
        <source>csv horizon</source>
        <translation>CSV 预测步长</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="37"/>
        <source>csv task: predict this many rows ahead (0 = the same row; needs a target)</source>
        <translation>csv 任务：预测多少行之后的值（0 = 同一行；需要指定目标列）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="38"/>
        <source>csv normalize</source>
        <translation>CSV 归一化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="39"/>
        <source>csv task: scale each column to mean 0 and std 1, to [0, 1], or leave it</source>
        <translation>csv 任务：把每列缩放为均值 0、标准差 1，或缩放到 [0, 1]，或保持不变</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="43"/>
        <source>cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="44"/>
        <source>recurrent cell type</source>
        <translation>循环单元类型</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="48"/>
        <source>hidden size</source>
        <translation>隐藏单元数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="49"/>
        <source>hidden units per layer</source>
        <translation>每层的隐藏单元数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="50"/>
        <source>num layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="51"/>
        <source>stacked recurrent layers</source>
        <translation>堆叠的循环层数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="52"/>
        <source>activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="53"/>
        <source>nonlinearity f of the plain rnn cell (ignored by lstm/gru)</source>
        <translation>普通 rnn 单元的非线性函数 f(lstm/gru 不使用)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="59"/>
        <source>leaky slope</source>
        <translation>泄漏斜率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="60"/>
        <source>negative slope of leaky_relu</source>
        <translation>leaky_relu 的负半轴斜率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="61"/>
        <source>residual</source>
        <translation>残差连接</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="62"/>
        <source>skip connection across time: h_t = h_{t-1} + cell output</source>
        <translation>跨时间的跳跃连接:h_t = h_{t-1} + 单元输出</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="63"/>
        <source>norm</source>
        <translation>归一化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="64"/>
        <source>normalise the recurrent pre-activation (layer or batch statistics)</source>
        <translation>对循环预激活做归一化(层统计量或批统计量)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="67"/>
        <source>init</source>
        <translation>初始化方式</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="68"/>
        <source>initialisation of the recurrent weights (torch&apos;s default, N(0, init_std²), ...)</source>
        <translation>循环权重的初始化(torch 默认、N(0, init_std²) 等)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="73"/>
        <source>init std</source>
        <translation>初始化标准差</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="74"/>
        <source>standard deviation for init = normal</source>
        <translation>init = normal 时的标准差</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="75"/>
        <source>init gain</source>
        <translation>初始化增益</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="76"/>
        <source>multiplies W_hh after init (orthogonal: every singular value = gain)</source>
        <translation>初始化后乘到 W_hh 上(正交初始化时:每个奇异值 = 增益)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="77"/>
        <source>forget bias</source>
        <translation>遗忘门偏置</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="78"/>
        <source>added to the LSTM forget-gate biases after init (1 or more keeps the cell path open; lstm only)</source>
        <translation>初始化后加到 LSTM 遗忘门偏置上(取 1 或更大可保持细胞状态通路畅通;仅 lstm)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="79"/>
        <source>spectral radius</source>
        <translation>谱半径</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="80"/>
        <source>if set, rescale W_hh after init so its spectral radius is this value</source>
        <translation>若设置,初始化后缩放 W_hh,使其谱半径等于该值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="81"/>
        <source>clip</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="82"/>
        <source>gradient clipping: each component to ±threshold, or the global norm</source>
        <translation>梯度裁剪:把每个分量限制在 ±阈值内,或限制全局范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="85"/>
        <source>clip threshold</source>
        <translation>裁剪阈值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="86"/>
        <source>clipping threshold (seed 003 uses 15 by value)</source>
        <translation>裁剪阈值(原文 003 按值裁剪,取 15)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="87"/>
        <source>grad normalize</source>
        <translation>梯度归一化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="88"/>
        <source>rescale the whole gradient to unit norm before the step</source>
        <translation>更新前把整个梯度缩放为单位范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="89"/>
        <source>tbptt</source>
        <translation>截断BPTT</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="90"/>
        <source>0 = full BPTT; k &gt; 0 = gradient flows back at most k steps</source>
        <translation>0 = 完整 BPTT;k &gt; 0 = 梯度最多反向传播 k 步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="91"/>
        <source>stateful</source>
        <translation>保持状态</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="92"/>
        <source>carry the final hidden state (detached) into the next batch</source>
        <translation>把最终隐藏状态(截断梯度后)带入下一批</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="93"/>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="94"/>
        <source>optimiser: plain SGD, SGD with momentum, Adam or RMSprop</source>
        <translation>优化器:普通 SGD、带动量的 SGD、Adam 或 RMSprop</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="101"/>
        <source>momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="99"/>
        <source>lr</source>
        <translation>学习率 lr</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="18"/>
        <source>sequence task: sine next-step, adding problem, long-range recall, seed 000&apos;s 3-step toy, your own time series from a CSV file</source>
        <translation>序列任务：正弦下一步预测、加法问题、长程回忆、原文 000 的 3 步玩具模型、来自 CSV 文件的你自己的时间序列</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="100"/>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="102"/>
        <source>momentum of sgd-momentum (and rmsprop)</source>
        <translation>sgd-momentum(以及 rmsprop)的动量</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="103"/>
        <source>beta1</source>
        <translation>beta1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="104"/>
        <source>Adam&apos;s first-moment decay</source>
        <translation>Adam 的一阶矩衰减率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="105"/>
        <source>beta2</source>
        <translation>beta2</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="106"/>
        <source>Adam&apos;s second-moment decay</source>
        <translation>Adam 的二阶矩衰减率</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="107"/>
        <source>weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="108"/>
        <source>L2 weight decay</source>
        <translation>L2 权重衰减</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="109"/>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="110"/>
        <source>random seed (weights and data)</source>
        <translation>随机种子(权重和数据)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="111"/>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="112"/>
        <source>where to train (auto = cuda if available)</source>
        <translation>训练所用设备(auto = 有 cuda 时用 cuda)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="116"/>
        <source>dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="117"/>
        <source>floating-point precision</source>
        <translation>浮点精度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="120"/>
        <source>spectrum every</source>
        <translation>谱计算间隔</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="121"/>
        <source>compute W_hh&apos;s spectral radius and σ_max every N steps (0 = auto: every step up to H = 32, then every (H/32)² steps)</source>
        <translation>每 N 步计算一次 W_hh 的谱半径和 σ_max(0 = 自动:H ≤ 32 时每步计算,否则每 (H/32)² 步)</translation>
    </message>
</context>
<context>
    <name>RunConfigChoice</name>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="19"/>
        <source>sine</source>
        <translation>正弦</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="20"/>
        <source>adding</source>
        <translation>加法问题</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="21"/>
        <source>recall</source>
        <translation>长程回忆</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="22"/>
        <source>toy3</source>
        <translation>三步玩具 toy3</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="45"/>
        <source>rnn</source>
        <translation>rnn</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="46"/>
        <source>lstm</source>
        <translation>lstm</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="47"/>
        <source>gru</source>
        <translation>gru</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="54"/>
        <source>tanh</source>
        <translation>tanh</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="55"/>
        <source>sigmoid</source>
        <translation>sigmoid</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="56"/>
        <source>relu</source>
        <translation>relu</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="57"/>
        <source>leaky_relu</source>
        <translation>leaky_relu</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="58"/>
        <source>identity</source>
        <translation>恒等</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="42"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="23"/>
        <source>csv</source>
        <translation>csv（自有数据）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="40"/>
        <source>zscore</source>
        <translation>z 分数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="41"/>
        <source>minmax</source>
        <translation>最小-最大</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="65"/>
        <source>layer</source>
        <translation>层归一化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="66"/>
        <source>batch</source>
        <translation>批归一化</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="69"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="70"/>
        <source>normal</source>
        <translation>正态分布</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="71"/>
        <source>xavier</source>
        <translation>xavier</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="72"/>
        <source>orthogonal</source>
        <translation>正交</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="83"/>
        <source>value</source>
        <translation>按值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="84"/>
        <source>norm</source>
        <translation>按范数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="95"/>
        <source>sgd</source>
        <translation>sgd</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="96"/>
        <source>momentum</source>
        <translation>momentum</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="97"/>
        <source>adam</source>
        <translation>adam</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="98"/>
        <source>rmsprop</source>
        <translation>rmsprop</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="113"/>
        <source>cpu</source>
        <translation>cpu</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="114"/>
        <source>cuda</source>
        <translation>cuda</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="115"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="118"/>
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/config_strings.py" line="119"/>
        <source>float64</source>
        <translation>float64</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <location filename="../../gradsim/app/session.py" line="387"/>
        <source>Paused at iteration %1, as the lecture step asks; Play goes on.</source>
        <extracomment>Rows of the GUI-side history (per layer): the heatmap&apos;s height in rows. Rows of the first layer&apos;s scalar series (History&apos;s default), for the memory check. The desired config changed (edit, preset, file): controls refresh. Fields whose new values wait for Reset (tuple of names). A (re)built run: histories were replaced. Carries the RunInfo. Reset was asked for: the histories are empty already (the RunInfo follows with runStarted). New snapshots arrived (views redraw on their own timer, from the newest data). Divergence banner: the step, or None when cleared. A readable error (message, traceback); training is paused. Short human notice for the status bar. A config was refused before the worker saw it (it cannot fit in memory); carries the ConfigError (the window translates it). Nothing changed.</extracomment>
        <translation>按讲稿这一步的设定,在第 %1 次迭代暂停;按“运行”继续。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/session.py" line="397"/>
        <source>applies on reset: %1</source>
        <translation>重置后生效:%1</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="21"/>
        <source>play / pause</source>
        <extracomment>Key -&gt; what it does (Help → Keyboard shortcuts; the actions use the same keys). English here; shown through QCoreApplication.translate(&quot;Shortcuts&quot;, ...).</extracomment>
        <translation>运行 / 暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="22"/>
        <source>step: exactly one iteration</source>
        <translation>单步:只运行一次迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="23"/>
        <source>reset: rebuild the model (applies ↻ fields)</source>
        <translation>重置:重新构建模型(应用 ↻ 字段)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="24"/>
        <source>switch to preset 1 – 9 (Presets menu)</source>
        <translation>切换到预设 1 – 9(预设菜单)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="25"/>
        <source>presentation mode: full screen, larger fonts, thicker lines</source>
        <translation>演示模式:全屏、更大字体、更粗线条</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="26"/>
        <source>open / save a configuration file (TOML)</source>
        <translation>打开 / 保存配置文件 (TOML)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="27"/>
        <source>export everything to a folder</source>
        <translation>把所有内容导出到文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="28"/>
        <source>next / previous lecture step</source>
        <translation>讲稿的下一步 / 上一步</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="29"/>
        <source>close the lecture (your speed, language and colour levels come back)</source>
        <translation>关闭讲稿(恢复你自己的速度、语言和色标)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="30"/>
        <source>apply a typed value (Esc restores it)</source>
        <translation>应用输入的值(Esc 恢复原值)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="31"/>
        <source>this list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/dialogs.py" line="32"/>
        <source>quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>SweepWindow</name>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="55"/>
        <source>Sweep — phase diagram</source>
        <translation>扫描 — 相图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="59"/>
        <source>Open sweep folder…</source>
        <translation>打开扫描文件夹…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="65"/>
        <source>Colour:</source>
        <translation>颜色：</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="65"/>
        <source>Across:</source>
        <translation>横轴：</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="66"/>
        <source>Up:</source>
        <translation>纵轴：</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="71"/>
        <source>Export figure…</source>
        <translation>导出图像…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="73"/>
        <source>Export data (CSV)…</source>
        <translation>导出数据 (CSV)…</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="81"/>
        <source>Open a folder written by gradsim sweep. Click a cell to load its run.</source>
        <translation>打开由 gradsim sweep 写出的文件夹。点击一个格子即载入该次训练。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="103"/>
        <source>Open sweep folder</source>
        <translation>打开扫描文件夹</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="109"/>
        <source>Cannot open sweep</source>
        <translation>无法打开扫描</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="122"/>
        <source>Sweep — %1</source>
        <translation>扫描 — %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="134"/>
        <source>Choose two different axes.</source>
        <translation>请选择两个不同的轴。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="143"/>
        <source>%1 of %2 runs recorded. Click a cell to load its configuration as a live run.</source>
        <translation>已记录 %2 次训练中的 %1 次。点击一个格子，即可将其配置作为实时训练载入。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="184"/>
        <source>No run is recorded in this cell yet.</source>
        <translation>这个格子还没有记录任何训练。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="192"/>
        <source>Cannot load the run</source>
        <translation>无法载入该次运行</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="196"/>
        <source>Loaded %1 into the main window: press Play to watch it train.</source>
        <translation>已将 %1 载入主窗口：按“播放”观看训练。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="204"/>
        <source>Export phase diagram</source>
        <translation>导出相图</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="212"/>
        <source>Export phase diagram data</source>
        <translation>导出相图数据</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/sweep_window.py" line="219"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>Theory</name>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="411"/>
        <source>vanishing guaranteed: λ₁ &lt; 1/γ</source>
        <translation>必然梯度消失:λ₁ &lt; 1/γ</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="412"/>
        <source>explosion possible: λ₁ &gt; 1/γ</source>
        <translation>可能梯度爆炸:λ₁ &gt; 1/γ</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="414"/>
        <source>boundary: λ₁ = 1/γ (no explosion; vanishing not guaranteed)</source>
        <translation>临界:λ₁ = 1/γ(不会爆炸;不保证消失)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="416"/>
        <source>bound does not apply with residual connections</source>
        <translation>有残差连接时该上界不适用</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="417"/>
        <source>bound applies to the top layer only</source>
        <translation>该上界只适用于最顶层</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="418"/>
        <source>bound unavailable: W_hh is not finite</source>
        <translation>无法计算上界:W_hh 含非有限值</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="419"/>
        <source>(curves on the &apos;last&apos; view)</source>
        <translation>(曲线见“last”视图)</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="474"/>
        <source>The (γλ₁)^(T−1−t) bound is for the plain rnn cell h_t = f(W h_(t−1) + …); %1&apos;s gates make the step Jacobian depend on the gate values, not on W_hh alone, so no bound is drawn.</source>
        <extracomment>The hover text of a badge that says the bound does not apply (core.theory&apos;s ``detail``).</extracomment>
        <translation>(γλ₁)^(T−1−t) 界只适用于普通 rnn 单元 h_t = f(W h_(t−1) + …);%1 的门使每一步的雅可比矩阵取决于门的取值,而不只取决于 W_hh,因此不画这条界。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="478"/>
        <source>With h_t = h_(t−1) + f(…) the step Jacobian is I + diag(f′)·W, not diag(f′)·W, so the (γλ₁)^(T−1−t) bound does not hold.</source>
        <translation>当 h_t = h_(t−1) + f(…) 时,每一步的雅可比矩阵是 I + diag(f′)·W 而不是 diag(f′)·W,因此 (γλ₁)^(T−1−t) 界不成立。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="481"/>
        <source>%1 normalisation puts its own Jacobian into every step, so the (γλ₁)^(T−1−t) bound does not hold.</source>
        <translation>%1在每一步引入了它自己的雅可比矩阵,因此 (γλ₁)^(T−1−t) 界不成立。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="484"/>
        <source>Layer %1 of %2: the last step&apos;s loss also reaches it through the layers above, so ‖∂L_T/∂h_t‖ is not bounded by this layer&apos;s W_hh alone.</source>
        <translation>第 %1 层(共 %2 层):最后一步的损失还会经由上面的层传到这一层,因此 ‖∂L_T/∂h_t‖ 不只受这一层的 W_hh 约束。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="487"/>
        <source>λ₁ = %1, ρ = %2: no bound can be computed.</source>
        <translation>λ₁ = %1, ρ = %2:无法计算界。</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="500"/>
        <source>bound does not apply to %1</source>
        <translation>该上界不适用于 %1</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/i18n.py" line="502"/>
        <source>bound does not apply with %1 normalisation</source>
        <translation>使用 %1 归一化时该上界不适用</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../gradsim/app/replay.py" line="440"/>
        <source>First iteration (Home)</source>
        <translation>第一次迭代（Home）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="441"/>
        <source>Newest iteration (End)</source>
        <translation>最新一次迭代（End）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="442"/>
        <source>Iteration shown: drag to scrub (← / → one step, PgUp / PgDn ten)</source>
        <translation>显示的迭代：拖动以浏览（← / → 一步，PgUp / PgDn 十步）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="443"/>
        <source>speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="444"/>
        <source>Playback speed in iterations per second</source>
        <translation>回放速度，每秒迭代次数</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="446"/>
        <source>%1 it/s</source>
        <translation>%1 次/秒</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="447"/>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="449"/>
        <source>Re-read the folder as its files grow (a run still being written): the plots show new rows, and the timeline stays at the newest iteration if it was there</source>
        <translation>文件增长时重新读取文件夹（仍在写入的运行）：图中显示新的行；如果时间轴在最新迭代，它会停留在最新迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="475"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="475"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="476"/>
        <source>Play back / pause (Space)</source>
        <translation>回放 / 暂停（空格）</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="498"/>
        <source>no iterations yet</source>
        <translation>还没有迭代</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/replay.py" line="500"/>
        <source>iteration %1 of %2</source>
        <translation>第 %1 次迭代，共 %2</translation>
    </message>
</context>
<context>
    <name>ViewBox</name>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="24"/>
        <location filename="../../gradsim/app/pg_menus.py" line="125"/>
        <source>ViewBox options</source>
        <translation>视图选项</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="25"/>
        <location filename="../../gradsim/app/pg_menus.py" line="126"/>
        <source>View All</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="26"/>
        <location filename="../../gradsim/app/pg_menus.py" line="131"/>
        <source>Mouse Mode</source>
        <translation>鼠标模式</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="27"/>
        <location filename="../../gradsim/app/pg_menus.py" line="137"/>
        <source>3 button</source>
        <translation>三键</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="28"/>
        <location filename="../../gradsim/app/pg_menus.py" line="138"/>
        <source>1 button</source>
        <translation>单键</translation>
    </message>
    <message>
        <location filename="../../gradsim/app/pg_menus.py" line="29"/>
        <source>axis</source>
        <translation>轴</translation>
    </message>
</context>
</TS>
